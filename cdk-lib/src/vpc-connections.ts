import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53profiles from 'aws-cdk-lib/aws-route53profiles';
import * as resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { RouteVia } from './plan';
import type { PlannedVpc } from './planned-vpc';
import { Exchange } from './private/exchange';
import { constructId, stableId, PlanIndex } from './private/plan-index';
import { iamPolicy } from './private/policy';
import { acceptPeering, requestPeering } from './private/vpc-peering';
import type { Topology } from './topology';

/** Props of `VpcConnections`. */
export interface VpcConnectionsProps {
  readonly topology: Topology;
  readonly vpc: PlannedVpc;
}

/**
 * A VPC's side of the network, as planned: its transit gateway attachment,
 * the routes of its route tables to other VPCs, and its DNS associations
 * (Route 53 Profile, resolver rules) to what other stacks publish. It also
 * publishes the VPC's ID and attachment ID for the stacks that need them.
 * Every VPC construct of the library (hub, spoke, ML account) uses it.
 */
export class VpcConnections extends Construct {
  /** The TGW attachment's ID, if the VPC is attached. */
  public readonly attachmentId?: string;

  constructor(scope: Construct, id: string, props: VpcConnectionsProps) {
    super(scope, id);
    const { topology, vpc } = props;
    const plan = topology.plan;
    const index = PlanIndex.of(plan);
    const name = vpc.vpcName;
    const here = vpc.planned.stack;
    const exchange = Exchange.of(this, topology, here);
    exchange.publish(vpc.planned.idParameter, vpc.vpcId);

    const attachment = plan.routing.attachments.find((a) => a.vpc === name);
    let attachmentResource: ec2.CfnTransitGatewayAttachment | undefined;
    if (attachment) {
      const tgw = index.transitGateway(attachment.transitGateway);
      attachmentResource = new ec2.CfnTransitGatewayAttachment(this, 'Attachment', {
        transitGatewayId: exchange.get(tgw.idParameter, tgw.stack),
        vpcId: vpc.vpcId,
        subnetIds: vpc.subnetIds('transit'),
        options: { DnsSupport: 'enable', ApplianceModeSupport: 'disable' },
        tags: [{ key: 'Name', value: attachment.tagName }],
      });
      this.attachmentId = attachmentResource.ref;
      exchange.publish(attachment.idParameter, attachmentResource.ref);
    }

    // VPC peerings: this VPC requests some (and routes them here) and accepts others
    // (its routes to those are added by its links stack, once the connection exists)
    const connections: Record<string, string> = {};
    const published = new Set<string>();
    for (const p of plan.routing.vpcPeerings) {
      if (p.requester === name) connections[p.id] = requestPeering(this, topology, exchange, vpc, p);
      if (p.accepter === name) acceptPeering(this, topology, exchange, vpc, p, published);
    }

    for (const r of plan.routing.vpcRoutes.filter((x) => x.vpc === name)) {
      if (r.via === RouteVia.VPC_PEERING) {
        const connection = connections[r.target];
        if (!connection) continue; // the accepter's side: NetworkLinks
        for (const tier of vpc.tiers) {
          new ec2.CfnRoute(this, `Route-${tier}-${r.destination}`, {
            routeTableId: vpc.routeTableId(tier),
            destinationCidrBlock: r.destination,
            vpcPeeringConnectionId: connection,
          });
        }
        continue;
      }
      if (!attachmentResource) {
        throw new Error(
          `${this.node.path}: route to ${r.destination} goes by transit gateway, but the VPC is not attached; this is a Linkplan bug, please report it`,
        );
      }
      for (const tier of vpc.tiers) {
        const route = new ec2.CfnRoute(this, `Route-${tier}-${r.destination}`, {
          routeTableId: vpc.routeTableId(tier),
          destinationCidrBlock: r.destination,
          transitGatewayId: attachmentResource.transitGatewayId,
        });
        route.addResourceDependency(attachmentResource);
      }
    }

    // association mode across accounts: the zone's account associates this
    // VPC by assuming a role here that may do only that (see NetworkLinks)
    const associator = index.stack(here).zoneAssociatorRole;
    const stack = Stack.of(this);
    if (associator && !stack.node.tryFindChild('ZoneAssociator')) {
      const role = new iam.CfnRole(stack, 'ZoneAssociator', {
        roleName: associator.name,
        description: `Lets the zone owners of topology ${topology.name} associate this stack's VPCs with their private hosted zones`,
        assumeRolePolicyDocument: iamPolicy(associator.trust),
        policies: [{ policyName: 'associate', policyDocument: iamPolicy(associator.permissions) }],
      });
      Validations.of(role).acknowledge(
        {
          id: 'AwsSolutions-IAM5[Resource::arn:aws:route53:::hostedzone/*]',
          reason:
            'The zone IDs are known only once the hub deploys, after this stack; only the planned zone-owner accounts may assume the role.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'Route 53 checks the VPC with ec2:DescribeVpcs, which has no resource-level permissions.',
        },
      );
    }

    for (const p of plan.dns.profiles ?? []) {
      if (!p.associations.includes(name) || p.stack === here) continue;
      new route53profiles.CfnProfileAssociation(this, constructId('Profile', p.id), {
        name: p.associationNames[name],
        profileId: exchange.get(p.idParameter, p.stack),
        resourceId: vpc.vpcId,
      });
    }
    for (const r of plan.dns.resolverRules ?? []) {
      if (!r.associations.includes(name) || r.stack === here) continue;
      new resolver.CfnResolverRuleAssociation(this, constructId('Rule', stableId(plan, r.id)), {
        name: r.associationNames[name],
        resolverRuleId: exchange.get(r.idParameter, r.stack),
        vpcId: vpc.vpcId,
      });
    }
  }
}
