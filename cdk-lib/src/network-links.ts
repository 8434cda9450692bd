import { Construct } from 'constructs';
import type { HostedZonePlan } from './plan';
import { StackRole } from './plan';
import { DeployCalls } from './private/deploy-calls';
import { Exchange } from './private/exchange';
import { constructId, stableId, PlanIndex } from './private/plan-index';
import { plannedStack } from './private/sites';
import type { Topology } from './topology';
import { PlannedTgwPeering } from './tgw-peering';
import { routeAccepter } from './private/vpc-peering';
import { PlannedTgwRouteTable } from './tgw-route-table';

/** Props of `NetworkLinks`. */
export interface NetworkLinksProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The account's name in the topology (the transit or zone owner). */
  readonly account: string;
  /** The region. */
  readonly region: string;
}

/**
 * What joins the stacks of one account and region once the VPCs exist (the
 * last deploy wave): the inter-region peering attachments this region
 * requests (`PlannedTgwPeering`), the planned transit gateway route tables
 * (`PlannedTgwRouteTable`), and, in `association` mode, the association of
 * the zones with VPCs built in other stacks (authorized first when the
 * VPC's account differs).
 */
export class NetworkLinks extends Construct {
  constructor(scope: Construct, id: string, props: NetworkLinksProps) {
    super(scope, id);
    const { topology } = props;
    const { stack } = plannedStack(this, topology, props.account, props.region, StackRole.LINKS);
    const plan = topology.plan;
    const index = PlanIndex.of(plan);
    const tgws = plan.routing.transitGateways.filter((t) => t.linksStack === stack);
    const peerings = plan.routing.vpcPeerings.filter((p) => p.routesStack === stack);
    if (tgws.length === 0 && peerings.length === 0 && !plan.dns.hostedZones.some((z) => this.associatesElsewhere(topology, z, stack)))
      return;
    const exchange = Exchange.of(this, topology, stack);
    // the accepter's routes of the VPC peerings its account accepts in this region
    for (const p of peerings) routeAccepter(this, topology, exchange, p);

    // attachment IDs by the plan's names for them: VPCs and peerings
    const attachments: Record<string, string> = {};
    for (const a of plan.routing.attachments) {
      if (tgws.some((t) => t.id === a.transitGateway)) {
        attachments[a.vpc] = exchange.get(a.idParameter, index.vpc(a.vpc).stack);
      }
    }
    for (const p of plan.routing.tgwPeerings) {
      const requester = index.transitGateway(p.requester);
      const accepter = index.transitGateway(p.accepter);
      if (requester.linksStack === stack) {
        attachments[p.id] = new PlannedTgwPeering(this, constructId('Peering', p.id), { topology, peeringId: p.id }).attachmentId;
      } else if (accepter.linksStack === stack) {
        attachments[p.id] = exchange.get(p.idParameter, requester.linksStack);
      }
    }
    for (const tgw of tgws) {
      const transitGatewayId = exchange.get(tgw.idParameter, tgw.stack);
      for (const table of tgw.routeTables) {
        new PlannedTgwRouteTable(this, constructId('RouteTable', table.id), {
          topology,
          table,
          transitGatewayId,
          attachmentIds: attachments,
        });
      }
    }
    for (const zone of plan.dns.hostedZones) {
      if (this.associatesElsewhere(topology, zone, stack)) this.associateZone(topology, zone, stack);
    }
  }

  /** Whether this links stack associates the zone with VPCs of other stacks. */
  private associatesElsewhere(topology: Topology, zone: HostedZonePlan, stack: string): boolean {
    const index = PlanIndex.of(topology.plan);
    const links = index.stackOf(zone.account, zone.region, StackRole.LINKS);
    return links?.name === stack && zone.associations.some((v) => index.vpc(v).stack !== zone.stack);
  }

  /**
   * The zone's associations with VPCs of other stacks: across accounts the
   * zone owner authorizes, then assumes the VPC stack's associator role.
   */
  private associateZone(topology: Topology, zone: HostedZonePlan, stack: string): void {
    const index = PlanIndex.of(topology.plan);
    const exchange = Exchange.of(this, topology, stack);
    const calls = DeployCalls.of(this, topology.name);
    const accountId = index.stack(stack).accountId;
    const zoneId = exchange.get(zone.idParameter, zone.stack);
    const zoneArn = `arn:aws:route53:::hostedzone/${zoneId}`;
    for (const v of zone.associations.filter((x) => index.vpc(x).stack !== zone.stack)) {
      const vpc = index.vpc(v);
      const vpcRef = { HostedZoneId: zoneId, VpcId: exchange.get(vpc.idParameter, vpc.stack), VpcRegion: vpc.region };
      const cross = vpc.accountId !== accountId;
      const id = constructId('Zone', stableId(topology.plan, `${zone.id}/${v}`));
      const authorize = cross
        ? calls.call(this, `Authorize${id}`, 'authorize-association', 'LinkplanZoneAuthorization', vpcRef, [
            { Action: ['route53:CreateVPCAssociationAuthorization', 'route53:DeleteVPCAssociationAuthorization'], Resource: zoneArn },
          ])
        : undefined;
      const associator = index.stack(vpc.stack).zoneAssociatorRole;
      if (cross && !associator) {
        throw new Error(`${this.node.path}: VPC '${v}' of another account has no planned zone associator role; this is a Linkplan bug`);
      }
      const associate = calls.call(
        this,
        `Associate${id}`,
        'associate-zone',
        'LinkplanZoneAssociation',
        { ...vpcRef, ...(cross && associator ? { RoleArn: associator.arn } : {}) },
        [
          cross && associator
            ? { Action: 'sts:AssumeRole', Resource: associator.arn }
            : { Action: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'], Resource: zoneArn },
          // Route 53 checks the VPC with DescribeVpcs, which has no resource-level permissions
          ...(cross ? [] : [{ Action: 'ec2:DescribeVpcs', Resource: '*' }]),
        ],
        cross
          ? []
          : [
              {
                id: 'AwsSolutions-IAM5[Resource::*]',
                reason: 'Route 53 checks the VPC with ec2:DescribeVpcs, which has no resource-level permissions.',
              },
            ],
      );
      if (authorize) associate.addResourceDependency(authorize);
    }
  }
}
