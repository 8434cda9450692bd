import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { DeployCalls } from './deploy-calls';
import { Exchange } from './exchange';
import { dnsSite, keys, namedAccountSite, Site, tgwSite, vpcSite, zoneAssociationsElsewhere, zoneAssociatorRoleName } from './layout';
import { Topology } from './topology';

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
 * last deploy wave): the planned transit gateway route tables with their
 * associations, propagations and static routes; the inter-region peering
 * attachments this region requests (accepted in the peer region by a custom
 * resource); and, in `association` mode, the association of the zones with VPCs
 * built in other stacks (authorized first when the VPC's account differs).
 */
export class NetworkLinks extends Construct {
  constructor(scope: Construct, id: string, props: NetworkLinksProps) {
    super(scope, id);
    const { topology, account, region } = props;
    const plan = topology.plan;
    const site = namedAccountSite(this.node.path, topology.name, plan, account, region, 'links');
    const accountId = site.accountId;
    const here = (x: { account: string; region: string }) => x.account === account && x.region === region;
    const exchange = Exchange.of(this, topology, site);
    const calls = () => DeployCalls.of(this, topology.name);

    const peerings = plan.routing.tgwPeerings as any[];
    const tgws = (plan.routing.transitGateways as any[]).filter(here);
    const tgwIds = new Set(tgws.map((t) => t.id));
    const peeringIds = new Map<string, string>();
    for (const p of peerings) {
      if (tgwIds.has(p.requester)) {
        const peer = (plan.routing.transitGateways as any[]).find((t) => t.id === p.accepter);
        const attachment = new ec2.CfnTransitGatewayPeeringAttachment(this, `Peering-${p.id}`, {
          transitGatewayId: exchange.get(keys.tgwId(p.requester), tgwSite(plan, p.requester)),
          peerTransitGatewayId: exchange.get(keys.tgwId(p.accepter), tgwSite(plan, p.accepter)),
          peerAccountId: plan.accounts[peer.account],
          peerRegion: peer.region,
          tags: [{ key: 'Name', value: `${topology.name}-${p.id}` }],
        });
        calls().call(this, `Accept-${p.id}`, 'accept-peering', 'LinkplanPeeringAcceptance', { Region: peer.region, AttachmentId: attachment.attrTransitGatewayAttachmentId }, [
          {
            Action: 'ec2:AcceptTransitGatewayPeeringAttachment',
            Resource: `arn:aws:ec2:${peer.region}:${plan.accounts[peer.account]}:transit-gateway-attachment/${attachment.attrTransitGatewayAttachmentId}`,
          },
        ]);
        peeringIds.set(p.id, attachment.attrTransitGatewayAttachmentId);
        exchange.publish(keys.peeringId(p.id), attachment.attrTransitGatewayAttachmentId);
      }
    }
    const requesterLinks = (p: any): Site => ({ ...tgwSite(plan, p.requester), role: 'links' });
    const attachmentOf = (name: string): string => {
      const peering = peerings.find((p) => p.id === name);
      if (peering) return peeringIds.get(name) ?? exchange.get(keys.peeringId(name), requesterLinks(peering));
      return exchange.get(keys.attachmentId(name), vpcSite(plan, name));
    };

    for (const tgw of tgws) {
      const tgwId = exchange.get(keys.tgwId(tgw.id), tgwSite(plan, tgw.id));
      for (const table of tgw.routeTables) {
        const rt = new ec2.CfnTransitGatewayRouteTable(this, `RouteTable-${table.id}`, {
          transitGatewayId: tgwId,
          tags: [{ key: 'Name', value: `${topology.name}-${table.name}` }],
        });
        for (const a of table.associations as string[]) {
          new ec2.CfnTransitGatewayRouteTableAssociation(this, `Association-${table.id}-${a}`, {
            transitGatewayRouteTableId: rt.ref,
            transitGatewayAttachmentId: attachmentOf(a),
          });
        }
        for (const v of table.propagations as string[]) {
          new ec2.CfnTransitGatewayRouteTablePropagation(this, `Propagation-${table.id}-${v}`, {
            transitGatewayRouteTableId: rt.ref,
            transitGatewayAttachmentId: attachmentOf(v),
          });
        }
        for (const r of table.staticRoutes) {
          new ec2.CfnTransitGatewayRoute(this, `Route-${table.id}-${r.cidr}`, {
            transitGatewayRouteTableId: rt.ref,
            destinationCidrBlock: r.cidr,
            transitGatewayAttachmentId: attachmentOf(r.peering),
          });
        }
      }
    }

    for (const zone of (plan.dns.hostedZones as any[]).filter(here)) {
      const elsewhere = zoneAssociationsElsewhere(plan, zone);
      if (elsewhere.length === 0) continue;
      const zoneId = exchange.get(keys.zoneId(zone.id), dnsSite(plan, zone));
      for (const v of elsewhere) {
        const vpc = plan.vpcs[v];
        const vpcRef = { HostedZoneId: zoneId, VpcId: exchange.get(keys.vpcId(v), vpcSite(plan, v)), VpcRegion: vpc.region };
        const cross = vpc.accountId !== accountId;
        const zoneArn = `arn:aws:route53:::hostedzone/${zoneId}`;
        const authorize = cross
          ? calls().call(this, `Authorize-${zone.id}-${v}`, 'authorize-association', 'LinkplanZoneAuthorization', vpcRef, [
            { Action: ['route53:CreateVPCAssociationAuthorization', 'route53:DeleteVPCAssociationAuthorization'], Resource: zoneArn },
          ])
          : undefined;
        const associatorArn = `arn:aws:iam::${vpc.accountId}:role/${zoneAssociatorRoleName(topology.name, vpcSite(plan, v))}`;
        const associate = calls().call(this, `Associate-${zone.id}-${v}`, 'associate-zone', 'LinkplanZoneAssociation', { ...vpcRef, ...(cross ? { RoleArn: associatorArn } : {}) }, [
          cross
            ? { Action: 'sts:AssumeRole', Resource: associatorArn }
            : { Action: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'], Resource: zoneArn },
          // Route 53 checks the VPC with DescribeVpcs, which has no resource-level permissions
          ...(cross ? [] : [{ Action: 'ec2:DescribeVpcs', Resource: '*' }]),
        ], cross ? [] : [{ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Route 53 checks the VPC with ec2:DescribeVpcs, which has no resource-level permissions.' }]);
        if (authorize) associate.addResourceDependency(authorize);
      }
    }
  }
}
