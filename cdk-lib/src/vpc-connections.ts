import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53profiles from 'aws-cdk-lib/aws-route53profiles';
import * as resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { Exchange } from './exchange';
import { dnsSite, keys, siteKey, tgwSite, zoneAssociatorRoleName } from './layout';
import { PlannedVpc } from './planned-vpc';
import { Topology } from './topology';

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
    const name = vpc.vpcName;
    const exchange = Exchange.of(this, topology, vpc.site);
    exchange.publish(keys.vpcId(name), vpc.vpcId);

    const attachment = (plan.routing.attachments as any[]).find((a) => a.vpc === name);
    let attachmentResource: ec2.CfnTransitGatewayAttachment | undefined;
    if (attachment) {
      attachmentResource = new ec2.CfnTransitGatewayAttachment(this, 'Attachment', {
        transitGatewayId: exchange.get(keys.tgwId(attachment.transitGateway), tgwSite(plan, attachment.transitGateway)),
        vpcId: vpc.vpcId,
        subnetIds: vpc.subnetIds('transit'),
        options: { DnsSupport: 'enable', ApplianceModeSupport: 'disable' },
        tags: [{ key: 'Name', value: `${topology.name}-${name}` }],
      });
      this.attachmentId = attachmentResource.ref;
      exchange.publish(keys.attachmentId(name), attachmentResource.ref);
    }

    (plan.routing.vpcRoutes as any[])
      .filter((r) => r.vpc === name)
      .forEach((r) => {
        const tgw = (plan.routing.transitGateways as any[]).find((t) => t.id === r.target);
        if (!tgw || !attachmentResource) {
          throw new Error(`${this.node.path}: route to ${r.destination} targets '${r.target}', which this library does not build yet (only transit gateway routes)`);
        }
        for (const tier of vpc.tiers) {
          const route = new ec2.CfnRoute(this, `Route-${tier}-${r.destination}`, {
            routeTableId: vpc.routeTableId(tier),
            destinationCidrBlock: r.destination,
            transitGatewayId: attachmentResource.transitGatewayId,
          });
          route.addResourceDependency(attachmentResource);
        }
      });

    // zones mode across accounts: the zone's account associates this VPC
    // by assuming a role here that may do only that (see NetworkLinks)
    const zones = (plan.dns.hostedZones as any[]).filter((z) => (z.authorizations ?? []).some((a: any) => a.vpc === name));
    if (zones.length > 0) {
      const owners = [...new Set(zones.map((z) => plan.accounts[z.account] as string))].sort();
      const roleName = zoneAssociatorRoleName(topology.name, vpc.site);
      const stack = Stack.of(this);
      if (!stack.node.tryFindChild('ZoneAssociator')) {
        const role = new iam.Role(stack, 'ZoneAssociator', {
          roleName,
          description: `Lets the zone owners of topology ${topology.name} associate this stack's VPCs with their private hosted zones`,
          assumedBy: new iam.CompositePrincipal(...owners.map((a) => new iam.AccountPrincipal(a))),
        });
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'], resources: ['arn:aws:route53:::hostedzone/*'] }));
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeVpcs'], resources: ['*'] }));
        Validations.of(role).acknowledge(
          { id: 'AwsSolutions-IAM5[Resource::arn:aws:route53:::hostedzone/*]', reason: 'The zone IDs are known only once the hub deploys, after this stack; only the planned zone-owner accounts may assume the role.' },
          { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Route 53 checks the VPC with ec2:DescribeVpcs, which has no resource-level permissions.' },
        );
      }
    }

    for (const p of plan.dns.profiles ?? []) {
      if (!(p.associations as string[]).includes(name) || siteKey(dnsSite(plan, p)) === siteKey(vpc.site)) continue;
      new route53profiles.CfnProfileAssociation(this, `Profile-${p.id}`, {
        name: `${p.name}-${name}`,
        profileId: exchange.get(keys.profileId(p.id), dnsSite(plan, p)),
        resourceId: vpc.vpcId,
      });
    }
    for (const r of plan.dns.resolverRules ?? []) {
      if (!(r.associations as string[]).includes(name) || siteKey(dnsSite(plan, r)) === siteKey(vpc.site)) continue;
      new resolver.CfnResolverRuleAssociation(this, `Rule-${r.domain}`, {
        name: `${name}-${r.domain}`.replace(/[^A-Za-z0-9_ -]/g, '-').slice(0, 64),
        resolverRuleId: exchange.get(keys.ruleId(r.id), dnsSite(plan, r)),
        vpcId: vpc.vpcId,
      });
    }
  }
}
