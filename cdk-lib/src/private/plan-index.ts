// Lookups into one plan by its stable IDs, built once per plan: every
// construct asks for stacks, VPCs and endpoints by ID, and scanning the
// plan's lists per question is quadratic in the VPCs. Nothing here decides
// anything: which stack builds what, and every name, is in the plan.

import type {
  EndpointPlan,
  FunctionPlan,
  HostedZonePlan,
  Plan,
  PrivateLinkPlan,
  ProfilePlan,
  ResolverEndpointPlan,
  ResolverRulePlan,
  RolePlan,
  StackPlan,
  TgwPeeringPlan,
  TransitGatewayPlan,
  VpcPlan,
} from '../plan';
import type { StackRole } from '../plan';
import type { Site } from '../site';

function byKey<T>(items: readonly T[] | undefined, key: (t: T) => string): Map<string, T> {
  return new Map((items ?? []).map((t) => [key(t), t]));
}

/** The plan's items by ID, and what lives in which stack. */
export class PlanIndex {
  /** The index of `plan`, built on first use. */
  public static of(plan: Plan): PlanIndex {
    let index = indexes.get(plan);
    if (!index) {
      index = new PlanIndex(plan);
      indexes.set(plan, index);
    }
    return index;
  }

  private readonly stacks: Map<string, StackPlan>;
  private readonly endpoints: Map<string, EndpointPlan>;
  private readonly transitGateways: Map<string, TransitGatewayPlan>;
  private readonly peerings: Map<string, TgwPeeringPlan>;
  private readonly zones: Map<string, HostedZonePlan>;
  private readonly roles: Map<string, RolePlan>;
  private readonly functions: Map<string, FunctionPlan>;
  private readonly services: Map<string, PrivateLinkPlan>;
  private readonly resolverEndpoints: Map<string, ResolverEndpointPlan>;

  private constructor(public readonly plan: Plan) {
    this.stacks = byKey(plan.stacks, (s) => s.name);
    this.endpoints = byKey(plan.endpoints, (e) => e.id);
    this.transitGateways = byKey(plan.routing.transitGateways, (t) => t.id);
    this.peerings = byKey(plan.routing.tgwPeerings, (p) => p.id);
    this.zones = byKey(plan.dns.hostedZones, (z) => z.id);
    this.roles = byKey(plan.iam.roles, (r) => r.id);
    this.functions = byKey(plan.iam.functions, (f) => f.id);
    this.services = byKey(plan.privatelink, (s) => s.name);
    this.resolverEndpoints = byKey(plan.dns.resolverEndpoints, (r) => r.id);
  }

  public stack(name: string): StackPlan {
    return this.found(this.stacks.get(name), 'stack', name);
  }

  /** The stack of `role` in an account (by name) and region, if the plan has one. */
  public stackOf(account: string, region: string, role: StackRole): StackPlan | undefined {
    return this.plan.stacks.find((s) => s.account === account && s.region === region && s.role === role);
  }

  /** The account, region and role of a stack. */
  public site(stackName: string): Site {
    const s = this.stack(stackName);
    return { account: s.account, accountId: s.accountId, region: s.region, role: s.role };
  }

  public vpc(name: string): VpcPlan {
    return this.found(this.plan.vpcs[name], 'VPC', name);
  }

  public endpoint(id: string): EndpointPlan {
    return this.found(this.endpoints.get(id), 'endpoint', id);
  }

  public transitGateway(id: string): TransitGatewayPlan {
    return this.found(this.transitGateways.get(id), 'transit gateway', id);
  }

  public peering(id: string): TgwPeeringPlan | undefined {
    return this.peerings.get(id);
  }

  public zone(id: string): HostedZonePlan {
    return this.found(this.zones.get(id), 'hosted zone', id);
  }

  public role(id: string): RolePlan {
    return this.found(this.roles.get(id), 'role', id);
  }

  public function(id: string): FunctionPlan {
    return this.found(this.functions.get(id), 'function', id);
  }

  public service(name: string): PrivateLinkPlan | undefined {
    return this.services.get(name);
  }

  public resolverEndpoint(id: string): ResolverEndpointPlan {
    return this.found(this.resolverEndpoints.get(id), 'resolver endpoint', id);
  }

  /** Profiles of a stack. */
  public profilesOf(stack: string): ProfilePlan[] {
    return (this.plan.dns.profiles ?? []).filter((p) => p.stack === stack);
  }

  /** Resolver rules of a stack. */
  public resolverRulesOf(stack: string): ResolverRulePlan[] {
    return (this.plan.dns.resolverRules ?? []).filter((r) => r.stack === stack);
  }

  private found<T>(item: T | undefined, what: string, id: string): T {
    if (item === undefined) throw new Error(`the plan has no ${what} '${id}'; this is a Linkplan bug, please report it`);
    return item;
  }
}

const indexes = new WeakMap<Plan, PlanIndex>();

/** A construct ID for a plan ID (`hub/sts.us-east-1.amazonaws.com`): construct IDs may not hold `/`. */
export function constructId(prefix: string, planId: string): string {
  return `${prefix}-${planId.replace(/\//g, '--')}`;
}

/**
 * A plan ID with each part that names a renamed VPC (`hub/…`, `…/hub`)
 * replaced by the name the VPC was created under (its `constructId`): the
 * construct IDs of a renamed VPC's zones, resolver endpoints, rules and
 * associations stay, so CloudFormation replaces none of them.
 */
export function stableId(plan: Plan, planId: string): string {
  if (!planId.includes('/')) return planId;
  return planId
    .split('/')
    .map((part) => plan.vpcs[part]?.constructId ?? part)
    .join('/');
}

/**
 * The ID a VPC's constructs are built under: its name, or the name it was
 * created under when it was renamed with `was:` (the plan's `constructId`),
 * so that a rename keeps every CloudFormation logical ID.
 */
export function vpcConstructId(plan: Plan, vpcName: string): string {
  return plan.vpcs[vpcName]?.constructId ?? vpcName;
}
