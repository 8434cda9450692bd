import * as resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import type { PlannedVpc } from './planned-vpc';
import { Exchange } from './private/exchange';
import { PlanIndex } from './private/plan-index';
import { shareWithAccounts } from './private/resource-share';
import type { Topology } from './topology';

/** Props of `PlannedResolverRule`. */
export interface PlannedResolverRuleProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The rule's ID in the plan (`dns.resolverRules[].id`, `<hub vpc>/<domain>`). */
  readonly resolverRuleId: string;
  /** The deployed ID of the outbound endpoint that sends the rule's queries. */
  readonly outboundEndpointId: string;
  /** The VPCs built in this stack, by name: the rule is associated with those the plan lists. */
  readonly vpcs: Record<string, PlannedVpc>;
}

/**
 * A forwarding rule of a `resolver`-mode hub, as planned: one service name
 * forwarded to the hub's inbound IPs, shared by RAM with the consumers'
 * accounts and associated with the planned VPCs of this stack (the others
 * associate themselves, in `VpcConnections`). Its ID is published.
 *
 * @resource AWS::Route53Resolver::ResolverRule
 */
export class PlannedResolverRule extends Construct {
  /** The rule's ID (a token). */
  public readonly resolverRuleId: string;

  constructor(scope: Construct, id: string, props: PlannedResolverRuleProps) {
    super(scope, id);
    const { topology } = props;
    const index = PlanIndex.of(topology.plan);
    const rule = (topology.plan.dns.resolverRules ?? []).find((r) => r.id === props.resolverRuleId);
    if (!rule) throw new Error(`${this.node.path}: the plan has no resolver rule '${props.resolverRuleId}'`);
    const target = index.resolverEndpoint(rule.targetEndpoint);
    const built = new resolver.CfnResolverRule(this, 'Resource', {
      name: rule.name,
      domainName: rule.domain,
      ruleType: 'FORWARD',
      resolverEndpointId: props.outboundEndpointId,
      targetIps: target.ips.map((ip) => ({ ip, port: '53' })),
    });
    this.node.defaultChild = built;
    this.resolverRuleId = built.attrResolverRuleId;
    shareWithAccounts(this, 'Share', topology.plan, rule.shareName, built.attrArn, rule.sharedWithAccounts);
    for (const v of rule.associations.filter((x) => props.vpcs[x])) {
      new resolver.CfnResolverRuleAssociation(this, `Association-${v}`, {
        name: rule.associationNames[v],
        resolverRuleId: built.attrResolverRuleId,
        vpcId: props.vpcs[v].vpcId,
      });
    }
    Exchange.of(this, topology, rule.stack).publish(rule.idParameter, built.attrResolverRuleId);
  }
}
