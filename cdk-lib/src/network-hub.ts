import { Construct } from 'constructs';
import type { SpokeWorkloads } from './app-spoke-vpc';
import { PlannedHostedZone } from './hosted-zone';
import { StackRole } from './plan';
import { PlannedEndpoints } from './planned-endpoints';
import { PlannedVpc } from './planned-vpc';
import { addBedrockClients } from './private/bedrock-clients';
import { constructId, stableId, vpcConstructId } from './private/plan-index';
import { plannedStack } from './private/sites';
import { PlannedProfile } from './profile';
import { PlannedResolverEndpoint } from './resolver-endpoint';
import { PlannedResolverRule } from './resolver-rule';
import type { Site } from './site';
import type { Topology } from './topology';
import { PlannedTransitGateway } from './transit-gateway';
import { VpcConnections } from './vpc-connections';

/** Props of `NetworkHub`. */
export interface NetworkHubProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The account's name in the topology. */
  readonly account: string;
  /** The region. */
  readonly region: string;
  /**
   * Client workloads of the Bedrock function to run in hub VPCs of this
   * account and region, by VPC name (the seed's notebook and function in its
   * us-east-1 application VPC, which is a hub).
   * @default - none
   */
  readonly workloads?: Record<string, SpokeWorkloads>;
}

/**
 * The shared network of one account and region, as planned: its transit
 * gateways (`PlannedTransitGateway`), its hub VPCs with their shared
 * interface endpoints, and the DNS of `dns.mode`: private hosted zones with
 * alias records to the hub endpoints (`PlannedHostedZone`), a Route 53
 * Profile holding them (`PlannedProfile`), or resolver endpoints with
 * forwarding rules (`PlannedResolverEndpoint`, `PlannedResolverRule`). Every
 * ID other stacks need is published for them (see the README's
 * "cross-stack values").
 */
export class NetworkHub extends Construct {
  /** The hub VPCs built here, by name. */
  public readonly vpcs: Record<string, PlannedVpc> = {};
  /** The hub VPCs' endpoints, by VPC name. */
  public readonly endpoints: Record<string, PlannedEndpoints> = {};
  private readonly site: Site;

  constructor(scope: Construct, id: string, props: NetworkHubProps) {
    super(scope, id);
    const { topology } = props;
    const plan = topology.plan;
    const { site, stack } = plannedStack(this, topology, props.account, props.region, StackRole.NETWORK);
    this.site = site;
    const here = (item: { readonly stack: string }) => item.stack === stack;

    for (const tgw of plan.routing.transitGateways.filter(here)) {
      new PlannedTransitGateway(this, constructId('Tgw', tgw.id), { topology, transitGatewayId: tgw.id });
    }
    this.hubVpcs(topology, stack, props.workloads ?? {});
    for (const zone of plan.dns.hostedZones.filter(here)) {
      new PlannedHostedZone(this, constructId('Zone', stableId(plan, zone.id)), {
        topology,
        zoneId: zone.id,
        hubEndpoints: this.endpoints[zone.hubVpc],
        vpcs: this.vpcs,
      });
    }
    for (const profile of (plan.dns.profiles ?? []).filter(here)) {
      new PlannedProfile(this, constructId('Profile', profile.id), {
        topology,
        profileId: profile.id,
        vpcs: this.vpcs,
        hubEndpoints: this.endpoints,
      });
    }
    const outbound = new Map<string, string>();
    for (const r of (plan.dns.resolverEndpoints ?? []).filter(here)) {
      const endpoint = new PlannedResolverEndpoint(this, constructId('Resolver', stableId(plan, r.id)), {
        topology,
        resolverEndpointId: r.id,
        vpc: this.vpcs[r.vpc],
      });
      outbound.set(r.id, endpoint.resolverEndpointId);
    }
    for (const rule of (plan.dns.resolverRules ?? []).filter(here)) {
      const sender = outbound.get(rule.resolverEndpoint);
      if (!sender) throw new Error(`${this.node.path}: rule ${rule.id} sends through ${rule.resolverEndpoint}, which is not in this stack`);
      new PlannedResolverRule(this, constructId('Rule', stableId(plan, rule.id)), {
        topology,
        resolverRuleId: rule.id,
        outboundEndpointId: sender,
        vpcs: this.vpcs,
      });
    }
  }

  /** The site (account, region, role) of this hub. */
  public get hubSite(): Site {
    return this.site;
  }

  /** The hub VPCs: the VPC, its endpoints and its connections. */
  private hubVpcs(topology: Topology, stack: string, workloads: Record<string, SpokeWorkloads>): void {
    for (const vpcName of Object.keys(workloads)) {
      if (topology.plan.vpcs[vpcName]?.stack !== stack) {
        throw new Error(`${this.node.path}: workloads are given for '${vpcName}', which is not a hub VPC of this stack (${stack})`);
      }
    }
    for (const [vpcName, v] of Object.entries(topology.plan.vpcs)) {
      if (v.stack !== stack) continue;
      // under the name it was created with: a rename (`was:`) moves no logical ID
      const id = vpcConstructId(topology.plan, vpcName);
      const vpc = new PlannedVpc(this, id, { topology, vpcName });
      this.vpcs[vpcName] = vpc;
      this.endpoints[vpcName] = new PlannedEndpoints(this, `${id}-Endpoints`, { topology, vpc });
      new VpcConnections(this, `${id}-Connections`, { topology, vpc });
      if (workloads[vpcName]) addBedrockClients(new Construct(this, `${id}-Workloads`), topology, vpc, workloads[vpcName]);
    }
  }
}
