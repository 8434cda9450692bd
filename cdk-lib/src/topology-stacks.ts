import { type CfnElement, CfnResource, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AppSpokeVpc, type SpokeWorkloads } from './app-spoke-vpc';
import { BedrockMlAccount } from './bedrock-ml-account';
import { NetworkHub } from './network-hub';
import { NetworkLinks } from './network-links';
import { type StackPlan, StackRole } from './plan';
import type { PlannedVpc } from './planned-vpc';
import { Exchange } from './private/exchange';
import { PlanIndex, vpcConstructId } from './private/plan-index';
import { PrivateLinkConsumer, PrivateLinkService } from './privatelink';
import type { Site } from './site';
import { type PortalIdentity, StudioAccessPortal } from './studio-access-portal';
import { StudioLobDomain } from './studio-lob-domain';
import type { Topology } from './topology';

/** CloudFormation's quota of resources in one stack (not adjustable). */
const MAX_RESOURCES_PER_STACK = 500;

/** Props of `TopologyStacks`. */
export interface TopologyStacksProps {
  /**
   * Client workloads of the Bedrock function, by VPC name: in a spoke, a hub
   * or the ML VPC, wherever the plan proves their path (see `SpokeWorkloads`).
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
 * Every stack of a topology, exactly the plan's `stacks`: one per account ×
 * region × role, each with `env: {account, region}` from the plan and the
 * plan's name (`<topology>-<account>-<region>-<role>`):
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
    this.checkWorkloads(props.workloads ?? {});
    const built = new Map<string, Stack>();
    for (const planned of topology.plan.stacks) {
      built.set(planned.name, this.buildStack(scope, planned, props));
    }
    for (const stack of built.values()) checkQuota(stack);
    const producers = this.wireDependencies(built);
    const waves = waveNumbers(topology.name, producers);
    const index = PlanIndex.of(topology.plan);
    this.stacks = [...built.entries()]
      .map(([name, stack]) => ({ stack, site: index.site(name), wave: waves.get(name) ?? 1 }))
      .sort((a, b) => a.wave - b.wave || a.stack.stackName.localeCompare(b.stack.stackName));
    // the topology's warnings once per app, on the first stack to deploy
    // (an annotation per stack printed each warning once per stack)
    if (this.stacks.length > 0) topology.annotate(this.stacks[0].stack);
  }

  /** The stack of an account (by name), region and role. */
  public stackFor(account: string, region: string, role: StackRole): Stack {
    const found = this.stacks.find((s) => s.site.account === account && s.site.region === region && s.site.role === role);
    if (!found) {
      const names = this.stacks.map((s) => s.stack.stackName).join(', ');
      throw new Error(`topology '${this.topology.name}' has no ${role} stack for account '${account}' in ${region}; it has ${names}`);
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

  /** Workloads run in VPCs of the topology; what each needs is checked where it is built. */
  private checkWorkloads(workloads: Record<string, SpokeWorkloads>): void {
    const plan = this.topology.plan;
    for (const vpc of Object.keys(workloads)) {
      if (!plan.vpcs[vpc]) {
        throw new Error(`${this.node.path}: workloads are given for VPC '${vpc}', which is not in topology '${this.topology.name}'`);
      }
    }
  }

  /** One stack of the plan, with the constructs of its role and the services of its VPCs. */
  private buildStack(scope: Construct, planned: StackPlan, props: TopologyStacksProps): Stack {
    const topology = this.topology;
    // stacks are the app's children, so their names and paths are the plain stack names
    const stack = new PlanStack(scope, planned.name, {
      ...props.stackProps,
      env: { account: planned.accountId, region: planned.region },
      description: `Linkplan ${topology.name}: ${planned.role} of account ${planned.account} (${planned.accountId}) in ${planned.region}`,
    });
    const vpcs: Record<string, PlannedVpc> = {};
    switch (planned.role) {
      case StackRole.NETWORK: {
        const workloads = workloadsOf(props.workloads, planned.vpcs);
        Object.assign(vpcs, new NetworkHub(stack, 'Hub', { topology, account: planned.account, region: planned.region, workloads }).vpcs);
        break;
      }
      case StackRole.ML: {
        const ml = new BedrockMlAccount(stack, 'Ml', { topology, workloads: props.workloads?.[topology.plan.iam.bedrock?.vpc ?? ''] });
        vpcs[ml.vpc.vpcName] = ml.vpc;
        break;
      }
      case StackRole.SPOKE:
        for (const vpcName of planned.vpcs ?? []) {
          vpcs[vpcName] = new AppSpokeVpc(stack, vpcConstructId(topology.plan, vpcName), {
            topology,
            vpcName,
            workloads: props.workloads?.[vpcName],
          }).vpc;
        }
        break;
      case StackRole.LINKS:
        new NetworkLinks(stack, 'Links', { topology, account: planned.account, region: planned.region });
        break;
    }
    this.buildServices(stack, vpcs, props);
    return stack;
  }

  /** The PrivateLink services and Studio parts of the stack's VPCs. */
  private buildServices(stack: Stack, vpcs: Record<string, PlannedVpc>, props: TopologyStacksProps): void {
    const topology = this.topology;
    const plan = topology.plan;
    // producers first, so a consumer in the same stack reads the name its producer published
    for (const svc of plan.privatelink.filter((x) => vpcs[x.producer.vpc])) {
      new PrivateLinkService(stack, `PrivateLink-${svc.name}`, { topology, service: svc.name, vpc: vpcs[svc.producer.vpc] });
    }
    for (const svc of plan.privatelink) {
      for (const c of svc.consumers.filter((x) => vpcs[x.vpc])) {
        new PrivateLinkConsumer(stack, `PrivateLink-${svc.name}-${vpcConstructId(plan, c.vpc)}`, {
          topology,
          service: svc.name,
          vpc: vpcs[c.vpc],
        });
      }
    }
    const studio = plan.studio;
    if (studio && vpcs[studio.portal.vpc]) {
      new StudioAccessPortal(stack, 'StudioPortal', { topology, vpc: vpcs[studio.portal.vpc], identity: props.studioIdentity });
    }
    for (const d of studio?.domains ?? []) {
      if (vpcs[d.vpc]) new StudioLobDomain(stack, `Studio-${d.lob}`, { topology, lob: d.lob, vpc: vpcs[d.vpc] });
    }
  }

  /**
   * Every read value must be published by the stack it is read from; the
   * reading stack depends on it. The producers of each stack, by name.
   */
  private wireDependencies(built: Map<string, Stack>): Map<string, string[]> {
    const producers = new Map<string, string[]>();
    for (const [name, stack] of built) {
      const exchange = Exchange.find(stack);
      for (const read of exchange?.consumed ?? []) {
        const producer = built.get(read.producer);
        const published = producer && Exchange.find(producer)?.published.some((p) => p.parameterName === read.parameterName);
        if (!published) {
          throw new Error(
            `${stack.stackName} reads '${read.parameterName}' from ${read.producer}, which does not publish it; this is a Linkplan bug, please report it`,
          );
        }
      }
      const from = exchange?.producers ?? [];
      for (const p of from) stack.addStackDependency(built.get(p)!, `reads values ${p} publishes`);
      producers.set(name, from);
    }
    return producers;
  }
}

/** The workloads of these VPCs, if any are asked for. */
function workloadsOf(all: Record<string, SpokeWorkloads> | undefined, vpcs: readonly string[] | undefined): Record<string, SpokeWorkloads> {
  return Object.fromEntries((vpcs ?? []).filter((v) => all?.[v]).map((v) => [v, all![v]]));
}

/** A stack over CloudFormation's resource quota is refused at synth, naming it. */
function checkQuota(stack: Stack): void {
  const count = stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
  if (count > MAX_RESOURCES_PER_STACK) {
    throw new Error(
      `${stack.stackName} would hold ${count} resources; CloudFormation allows ${MAX_RESOURCES_PER_STACK} per stack. ` +
        'Split its VPCs over more accounts or regions, or build them with AppSpokeVpc in stacks of your own',
    );
  }
}

/** Each stack's deploy wave: one more than the latest of the stacks it reads from. */
function waveNumbers(topology: string, producers: Map<string, string[]>): Map<string, number> {
  const waves = new Map<string, number>();
  const waveOf = (key: string, seen: string[] = []): number => {
    if (seen.includes(key))
      throw new Error(`the stacks of '${topology}' read each other's values in a cycle: ${[...seen, key].join(' → ')}`);
    const known = waves.get(key);
    if (known) return known;
    const w = 1 + Math.max(0, ...(producers.get(key) ?? []).map((d) => waveOf(d, [...seen, key])));
    waves.set(key, w);
    return w;
  };
  for (const key of producers.keys()) waveOf(key);
  return waves;
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
