import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53profiles from 'aws-cdk-lib/aws-route53profiles';
import * as resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { Exchange } from './exchange';
import { dnsSite, keys, namedAccountSite, vpcsOf } from './layout';
import { Site } from './site';
import { PlannedEndpoints } from './planned-endpoints';
import { PlannedVpc } from './planned-vpc';
import { Topology } from './topology';
import { VpcConnections } from './vpc-connections';
import { NO_EGRESS } from './vpc-function';

/** Props of `NetworkHub`. */
export interface NetworkHubProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The account's name in the topology. */
  readonly account: string;
  /** The region. */
  readonly region: string;
}

/**
 * The shared network of one account and region, as planned: its transit
 * gateways (shared by RAM with the attached accounts, no default route
 * table: the `links` stack builds the planned ones), its hub VPCs with their
 * shared interface endpoints, and the DNS of `dns.mode`: private hosted
 * zones with alias records to the hub endpoints, a Route 53 Profile holding
 * them (shared by RAM), or resolver endpoints with forwarding rules (shared
 * by RAM). Hub VPCs have flow logs and resolver query logs. Every ID other
 * stacks need is published for them (see the README's "cross-stack values").
 */
export class NetworkHub extends Construct {
  /** The hub VPCs built here, by name. */
  public readonly vpcs: Record<string, PlannedVpc> = {};
  /** The hub VPCs' endpoints, by VPC name. */
  public readonly endpoints: Record<string, PlannedEndpoints> = {};
  private readonly site: Site;

  constructor(scope: Construct, id: string, props: NetworkHubProps) {
    super(scope, id);
    const { topology, account, region } = props;
    const plan = topology.plan;
    this.site = namedAccountSite(this.node.path, topology.name, plan, account, region, 'network');
    const here = (x: { account: string; region: string }) => x.account === account && x.region === region;
    const exchange = Exchange.of(this, topology, this.site);
    // RAM shares stay inside the organization: no external principals
    const share = (id: string, name: string, arn: string, accounts: string[]) => {
      if (accounts.length === 0) return;
      new ram.CfnResourceShare(this, id, { name, resourceArns: [arn], principals: accounts.map((a) => plan.accounts[a] as string), allowExternalPrincipals: false });
    };

    for (const tgw of (plan.routing.transitGateways as any[]).filter(here)) {
      const name = tgw.id.replace(/[^A-Za-z0-9]/g, '-');
      const gateway = new ec2.CfnTransitGateway(this, name, {
        amazonSideAsn: tgw.asn,
        autoAcceptSharedAttachments: 'enable',
        defaultRouteTableAssociation: 'disable',
        defaultRouteTablePropagation: 'disable',
        dnsSupport: 'enable',
        vpnEcmpSupport: 'enable',
        description: `${topology.name} ${tgw.id}`,
        tags: [{ key: 'Name', value: `${topology.name}-${name}` }],
      });
      exchange.publish(keys.tgwId(tgw.id), gateway.ref);
      share(`${name}-Share`, `${topology.name}-${name}`, Stack.of(this).formatArn({ service: 'ec2', resource: 'transit-gateway', resourceName: gateway.ref }), tgw.sharedWithAccounts);
    }

    // endpoints other stacks name in policies: `aws:SourceVpce` conditions, private APIs
    const named = new Set<string>([
      ...((plan.iam.roles ?? []) as any[]).flatMap((r) => (r.sourceVpce ?? []) as string[]),
      ...(plan.studio?.portal.apiEndpoint ? [plan.studio.portal.apiEndpoint as string] : []),
    ]);
    for (const vpcName of vpcsOf(plan, this.site)) {
      const vpc = new PlannedVpc(this, vpcName, { topology, vpcName });
      this.vpcs[vpcName] = vpc;
      const endpoints = new PlannedEndpoints(this, `${vpcName}-Endpoints`, { topology, vpc });
      this.endpoints[vpcName] = endpoints;
      new VpcConnections(this, `${vpcName}-Connections`, { topology, vpc });
      for (const e of (plan.endpoints as any[]).filter((x) => x.vpc === vpcName && named.has(x.id))) {
        exchange.publish(keys.endpointId(e.id), endpoints.endpointId(e.service));
      }
    }
    const localVpc = (name: string) => this.vpcs[name];

    for (const zone of (plan.dns.hostedZones as any[]).filter(here)) {
      const endpoint = (plan.endpoints as any[]).find((e) => e.id === zone.endpoint);
      const hosted = new route53.CfnHostedZone(this, `Zone-${zone.name}`, {
        name: zone.name,
        hostedZoneConfig: { comment: `${topology.name}: ${zone.name} answers with the ${endpoint.id} endpoint` },
        vpcs: (zone.associations as string[]).filter(localVpc).map((v) => ({ vpcId: localVpc(v).vpcId, vpcRegion: region })),
      });
      const target = this.endpoints[zone.hubVpc].regionalDns(endpoint.service);
      for (const record of zone.records) {
        new route53.CfnRecordSet(this, `Record-${record.name}`, {
          hostedZoneId: hosted.attrId,
          name: record.name,
          type: record.type,
          aliasTarget: { dnsName: target.dnsName, hostedZoneId: target.hostedZoneId, evaluateTargetHealth: false },
        });
      }
      exchange.publish(keys.zoneId(zone.id), hosted.attrId);
    }

    for (const profile of (plan.dns.profiles ?? []).filter(here)) {
      const built = new route53profiles.CfnProfile(this, `Profile-${profile.id}`, { name: profile.name });
      for (const zoneId of profile.zones as string[]) {
        const zone = (plan.dns.hostedZones as any[]).find((z) => z.id === zoneId);
        new route53profiles.CfnProfileResourceAssociation(this, `ProfileZone-${zoneId}`, {
          name: zone.name.replace(/[^A-Za-z0-9_ -]/g, '-').slice(0, 64),
          profileId: built.attrId,
          resourceArn: `arn:aws:route53:::hostedzone/${exchange.get(keys.zoneId(zoneId), dnsSite(plan, zone))}`,
        });
      }
      share(`ProfileShare-${profile.id}`, profile.name, built.attrArn, profile.sharedWithAccounts);
      for (const v of (profile.associations as string[]).filter(localVpc)) {
        new route53profiles.CfnProfileAssociation(this, `ProfileAssociation-${v}`, { name: `${profile.name}-${v}`.slice(0, 64), profileId: built.attrId, resourceId: localVpc(v).vpcId });
      }
      exchange.publish(keys.profileId(profile.id), built.attrId);
    }

    const resolverEndpoints = new Map<string, resolver.CfnResolverEndpoint>();
    const resolverPlans = (plan.dns.resolverEndpoints ?? []) as any[];
    for (const r of resolverPlans.filter(here)) {
      const vpc = localVpc(r.vpc);
      const name = r.id.replace(/[^A-Za-z0-9]/g, '-');
      // outbound endpoints only send to the inbound endpoints' fixed IPs
      const targets = resolverPlans.filter((t) => t.direction === 'inbound' && t.vpc === r.vpc).flatMap((t) => t.ips as string[]);
      const sg = new ec2.CfnSecurityGroup(this, `${name}-SecurityGroup`, {
        vpcId: vpc.vpcId,
        groupDescription: r.direction === 'inbound' ? `${r.id}: DNS from the planned consumers only` : `${r.id}: DNS to the inbound resolver only`,
        securityGroupIngress: (r.securityGroup.ingress as any[]).map((i) => ({ ipProtocol: i.protocol, fromPort: i.port, toPort: i.port, cidrIp: i.cidr, description: 'planned DNS client' })),
        securityGroupEgress: r.direction === 'inbound'
          ? NO_EGRESS
          : targets.flatMap((ip) => ['tcp', 'udp'].map((p) => ({ ipProtocol: p, fromPort: 53, toPort: 53, cidrIp: `${ip}/32`, description: 'the inbound resolver' }))),
      });
      const endpoint = new resolver.CfnResolverEndpoint(this, name, {
        name: `${topology.name}-${name}`.slice(0, 64),
        direction: r.direction.toUpperCase(),
        securityGroupIds: [sg.attrGroupId],
        ipAddresses: (r.subnets as string[]).map((cidr, i) => ({ subnetId: vpc.subnetIdOf(cidr), ip: r.ips[i] })),
      });
      resolverEndpoints.set(r.id, endpoint);
      if (r.direction === 'inbound') {
        // on-premises DNS servers forward the endpoint names to these
        new CfnOutput(this, `${name}-Ips`, { value: (r.ips as string[]).join(','), description: `${r.id}: forward the endpoint names here from on-premises DNS` });
      }
    }

    for (const rule of (plan.dns.resolverRules ?? []).filter(here)) {
      const target = resolverPlans.find((t) => t.id === rule.targetEndpoint);
      const name = rule.domain.replace(/[^A-Za-z0-9_ -]/g, '-');
      const built = new resolver.CfnResolverRule(this, `Rule-${rule.domain}`, {
        name: `${topology.name}-${name}`.slice(0, 64),
        domainName: rule.domain,
        ruleType: 'FORWARD',
        resolverEndpointId: resolverEndpoints.get(rule.resolverEndpoint)!.attrResolverEndpointId,
        targetIps: (target.ips as string[]).map((ip) => ({ ip, port: '53' })),
      });
      share(`RuleShare-${rule.domain}`, `${topology.name}-${name}`.slice(0, 64), built.attrArn, rule.sharedWithAccounts);
      for (const v of (rule.associations as string[]).filter(localVpc)) {
        new resolver.CfnResolverRuleAssociation(this, `RuleAssociation-${v}-${rule.domain}`, { name: `${v}-${name}`.slice(0, 64), resolverRuleId: built.attrResolverRuleId, vpcId: localVpc(v).vpcId });
      }
      exchange.publish(keys.ruleId(rule.id), built.attrResolverRuleId);
    }
  }

  /** The site (account, region, role) of this hub. */
  public get hubSite(): Site {
    return this.site;
  }
}
