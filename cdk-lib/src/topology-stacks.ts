import { CfnElement, CfnResource, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AppSpokeVpc, SpokeWorkloads } from './app-spoke-vpc';
import { BedrockMlAccount } from './bedrock-ml-account';
import { Exchange } from './exchange';
import { sites, siteKey, vpcSite, vpcsOf } from './layout';
import { NetworkHub } from './network-hub';
import { NetworkLinks } from './network-links';
import { PlannedVpc } from './planned-vpc';
import { PrivateLinkConsumer, PrivateLinkService } from './privatelink';
import { PortalIdentity, StudioAccessPortal, StudioLobDomain } from './studio';
import { Site } from './site';
import { Topology } from './topology';

/** CloudFormation's quota of resources in one stack (not adjustable). */
const MAX_RESOURCES_PER_STACK = 500;

/** Props of `TopologyStacks`. */
export interface TopologyStacksProps {
  /**
   * Workloads to run in spoke VPCs, by VPC name.
   * @default - none
   */
  readonly workloads?: Record<string, SpokeWorkloads>;
  /**
   * The identity provider of the Studio access portal.
   * @default - a Cognito user pool in the portal's stack
   */
  readonly studioIdentity?: PortalIdentity;
  /**
   * Props given to every stack (tags, synthesizer, termination protection…);
   * `env` is always the plan's account and region.
   * @default - none
   */
  readonly stackProps?: StackProps;
}

/** One stack of a topology and where it goes. */
export interface TopologyStack {
  readonly stack: Stack;
  readonly site: Site;
  /** 1-based deploy wave: a stack deploys after every stack of earlier waves it reads from. */
  readonly wave: number;
}

/**
 * Every stack of a topology: one per account × region × role, each with
 * `env: {account, region}` from the plan and named
 * `<topology>-<account>-<region>-<role>`:
 *   - `network`: the account's transit gateways, hub VPCs, shared endpoints and DNS (`NetworkHub`);
 *   - `ml`: the Bedrock ML account (`BedrockMlAccount`);
 *   - `spoke`: the application VPCs (`AppSpokeVpc`);
 *   - `links`: transit gateway route tables, peering, cross-stack zone associations (`NetworkLinks`).
 * The topology's own PrivateLink services go with their VPCs: the producer
 * (`PrivateLinkService`) in the producer VPC's stack, each consumer
 * endpoint (`PrivateLinkConsumer`) in the consumer VPC's stack.
 * A stack that reads a value another stack publishes depends on it, so
 * `cdk deploy --all` deploys in order; `deployOrder()` prints the waves.
 */
export class TopologyStacks extends Construct {
  /** The stacks, in deploy order. */
  public readonly stacks: TopologyStack[];
  private readonly topology: Topology;

  constructor(scope: Construct, id: string, topology: Topology, props: TopologyStacksProps = {}) {
    super(scope, id);
    this.topology = topology;
    const plan = topology.plan;
    for (const vpc of Object.keys(props.workloads ?? {})) {
      if (!plan.vpcs[vpc]) {
        throw new Error(`${this.node.path}: workloads are given for VPC '${vpc}', which is not in topology '${topology.name}'`);
      }
      const role = vpcSite(plan, vpc).role;
      if (role !== 'spoke') {
        throw new Error(`${this.node.path}: workloads run in application (spoke) VPCs; '${vpc}' is a ${role === 'ml' ? 'Bedrock ML' : 'hub'} VPC`);
      }
    }
    const built = new Map<string, { stack: Stack; site: Site }>();
    for (const site of sites(plan)) {
      // stacks are the app's children, so their names and paths are the plain stack names
      const stack = new PlanStack(scope, `${topology.name}-${site.account}-${site.region}-${site.role}`, {
        ...props.stackProps,
        env: { account: site.accountId, region: site.region },
        description: `Linkplan ${topology.name}: ${site.role} of account ${site.account} (${site.accountId}) in ${site.region}`,
      });
      const vpcs: Record<string, PlannedVpc> = {};
      switch (site.role) {
        case 'network':
          Object.assign(vpcs, new NetworkHub(stack, 'Hub', { topology, account: site.account, region: site.region }).vpcs);
          break;
        case 'ml': {
          const ml = new BedrockMlAccount(stack, 'Ml', { topology });
          vpcs[ml.vpc.vpcName] = ml.vpc;
          break;
        }
        case 'spoke':
          for (const vpcName of vpcsOf(plan, site)) {
            const workloads = props.workloads?.[vpcName];
            vpcs[vpcName] = new AppSpokeVpc(stack, vpcName, { topology, vpcName, workloads }).vpc;
          }
          break;
        case 'links':
          new NetworkLinks(stack, 'Links', { topology, account: site.account, region: site.region });
          break;
      }
      // the topology's own PrivateLink services: producers first, so a
      // consumer in the same stack reads the name its producer published
      const services = (plan.privatelink ?? []) as any[];
      for (const svc of services.filter((x) => vpcs[x.producer.vpc])) {
        new PrivateLinkService(stack, `PrivateLink-${svc.name}`, { topology, service: svc.name, vpc: vpcs[svc.producer.vpc] });
      }
      for (const svc of services) {
        for (const c of (svc.consumers as any[]).filter((x) => vpcs[x.vpc])) {
          new PrivateLinkConsumer(stack, `PrivateLink-${svc.name}-${c.vpc}`, { topology, service: svc.name, vpc: vpcs[c.vpc] });
        }
      }
      // SageMaker Studio: the portal and each LOB's domain go with their VPCs
      const studio = plan.studio;
      if (studio && vpcs[studio.portal.vpc]) {
        new StudioAccessPortal(stack, 'StudioPortal', { topology, vpc: vpcs[studio.portal.vpc], identity: props.studioIdentity });
      }
      for (const d of (studio?.domains ?? []) as any[]) {
        if (vpcs[d.vpc]) new StudioLobDomain(stack, `Studio-${d.lob}`, { topology, lob: d.lob, vpc: vpcs[d.vpc] });
      }
      topology.annotate(stack);
      built.set(siteKey(site), { stack, site });
    }
    for (const { stack } of built.values()) {
      const count = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
      if (count > MAX_RESOURCES_PER_STACK) {
        throw new Error(`${stack.stackName} would hold ${count} resources; CloudFormation allows ${MAX_RESOURCES_PER_STACK} per stack. Split its VPCs over more accounts or regions, or build them with AppSpokeVpc in stacks of your own`);
      }
    }
    // dependencies: every read value must be published by the stack it is read from
    const waves = new Map<string, number>();
    const deps = new Map<string, string[]>();
    for (const [key, { stack }] of built) {
      const exchange = Exchange.find(stack);
      const producers = new Set<string>();
      for (const read of exchange?.consumed ?? []) {
        const producer = built.get(read.producer);
        const published = producer && Exchange.find(producer.stack)?.published.some((p) => p.parameterName === read.parameterName);
        if (!published) {
          throw new Error(`${stack.stackName} reads '${read.parameterName}' from ${read.producer}, which does not publish it; this is a Linkplan bug, please report it`);
        }
        producers.add(read.producer);
      }
      deps.set(key, [...producers].sort());
      for (const p of producers) stack.addStackDependency(built.get(p)!.stack, `reads values ${p} publishes`);
    }
    const waveOf = (key: string, seen: string[] = []): number => {
      if (seen.includes(key)) throw new Error(`the stacks of '${topology.name}' read each other's values in a cycle: ${[...seen, key].join(' → ')}`);
      const known = waves.get(key);
      if (known) return known;
      const w = 1 + Math.max(0, ...(deps.get(key) ?? []).map((d) => waveOf(d, [...seen, key])));
      waves.set(key, w);
      return w;
    };
    this.stacks = [...built.entries()]
      .map(([key, b]) => ({ stack: b.stack, site: b.site, wave: waveOf(key) }))
      .sort((a, b) => a.wave - b.wave || a.stack.stackName.localeCompare(b.stack.stackName));
  }

  /** The stack of an account (by name), region and role. */
  public stackFor(account: string, region: string, role: string): Stack {
    const found = this.stacks.find((s) => s.site.account === account && s.site.region === region && s.site.role === role);
    if (!found) {
      throw new Error(`topology '${this.topology.name}' has no ${role} stack for account '${account}' in ${region}; it has ${this.stacks.map((s) => s.stack.stackName).join(', ')}`);
    }
    return found.stack;
  }

  /** The deploy order as text: one line per wave, the stacks of a wave deploy in parallel. */
  public deployOrder(): string {
    const lines: string[] = [];
    const max = Math.max(0, ...this.stacks.map((s) => s.wave));
    for (let w = 1; w <= max; w++) {
      const names = this.stacks.filter((s) => s.wave === w).map((s) => s.stack.stackName);
      lines.push(`wave ${w}: ${names.join(' ')}`);
    }
    return lines.join('\n');
  }
}

/**
 * A stack whose logical IDs are computed once per resource. aws-cdk-lib
 * computes a resource's logical ID (an MD5 of its construct path) again at
 * every reference to it, and a plan's resources are referenced many times
 * (a route table by each of its routes and associations): at 100 spokes that
 * was a tenth of synth (docs/benchmarks.md). The ID depends only on the
 * path, which never changes; `renameLogicalId` still applies, after this.
 */
class PlanStack extends Stack {
  private readonly logicalIds = new WeakMap<CfnElement, string>();

  protected allocateLogicalId(element: CfnElement): string {
    let id = this.logicalIds.get(element);
    if (id === undefined) {
      id = super.allocateLogicalId(element);
      this.logicalIds.set(element, id);
    }
    return id;
  }
}
