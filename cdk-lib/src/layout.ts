// Where each part of a plan is built: the account × region × role stack
// ("site") that owns every VPC, transit gateway, zone, profile and rule.
// Producers and consumers of cross-stack values both ask this module, so
// a value is always looked for where it was published.

import { Site } from './site';

export { Site };

/** The role of a stack: what it holds. */
export type StackRole = 'network' | 'spoke' | 'ml' | 'links';


/** The order stacks deploy in: a role's stacks wait for the roles before it. */
export const ROLE_WAVES: StackRole[][] = [['network', 'ml'], ['spoke'], ['links']];

export function siteKey(s: Site): string {
  return `${s.account}/${s.region}/${s.role}`;
}

export function sameEnv(a: Site, b: Site): boolean {
  return a.accountId === b.accountId && a.region === b.region;
}

function accountSite(plan: any, account: string, region: string, role: StackRole): Site {
  return { account, accountId: plan.accounts[account], region, role };
}

/** The site of a construct given an account by name; `where` names the construct in the error. */
export function namedAccountSite(where: string, topologyName: string, plan: any, account: string, region: string, role: StackRole): Site {
  if (!plan.accounts[account]) {
    throw new Error(`${where}: account '${account}' is not in topology '${topologyName}'; expected one of ${Object.keys(plan.accounts).join(', ')}`);
  }
  return accountSite(plan, account, region, role);
}

/** The VPCs a `NetworkHub` builds: those serving endpoints, zones or resolvers to others. */
export function hubVpcs(plan: any): Set<string> {
  const hubs = new Set<string>();
  for (const e of plan.endpoints) if (e.sharedWith?.length) hubs.add(e.vpc);
  for (const z of plan.dns.hostedZones) hubs.add(z.hubVpc);
  for (const r of plan.dns.resolverEndpoints ?? []) hubs.add(r.vpc);
  return hubs;
}

/** The VPC `BedrockMlAccount` builds, if the topology has a `bedrock` section. */
export function mlVpc(plan: any): string | undefined {
  return ((plan.iam.functions ?? []) as any[]).find((f) => f.id === 'bedrock/stream')?.vpc;
}

// the site of every VPC, computed once per plan: every construct asks for
// sites, and recomputing the hubs per question is quadratic in the VPCs
const vpcSites = new WeakMap<object, Map<string, Site>>();

export function vpcSite(plan: any, vpc: string): Site {
  let all = vpcSites.get(plan);
  if (!all) {
    all = new Map();
    const hubs = hubVpcs(plan);
    const ml = mlVpc(plan);
    for (const [name, v] of Object.entries(plan.vpcs as Record<string, any>)) {
      const role: StackRole = ml === name ? 'ml' : hubs.has(name) ? 'network' : 'spoke';
      all.set(name, accountSite(plan, v.account, v.region, role));
    }
    vpcSites.set(plan, all);
  }
  const site = all.get(vpc);
  if (!site) throw new Error(`VPC '${vpc}' is not in the plan`);
  return site;
}

export function tgwSite(plan: any, tgwId: string): Site {
  const t = (plan.routing.transitGateways as any[]).find((x) => x.id === tgwId);
  return accountSite(plan, t.account, t.region, 'network');
}

/** Zones, profiles and resolver rules live in the network stack of their account and region. */
/** The site of the VPC serving an endpoint (`<vpc>/<service>`). */
export function endpointSite(plan: any, endpointId: string): Site {
  const e = (plan.endpoints as any[]).find((x) => x.id === endpointId);
  return vpcSite(plan, e.vpc);
}

export function dnsSite(plan: any, item: { account: string; region: string }): Site {
  return accountSite(plan, item.account, item.region, 'network');
}

/** Every stack the plan needs, in a stable order. */
export function sites(plan: any): Site[] {
  const all = new Map<string, Site>();
  const add = (s: Site) => all.set(siteKey(s), s);
  for (const name of Object.keys(plan.vpcs)) add(vpcSite(plan, name));
  for (const t of plan.routing.transitGateways) {
    add(tgwSite(plan, t.id));
    add(accountSite(plan, t.account, t.region, 'links'));
  }
  for (const p of plan.dns.profiles ?? []) add(dnsSite(plan, p));
  for (const r of plan.dns.resolverRules ?? []) add(dnsSite(plan, r));
  for (const z of plan.dns.hostedZones) {
    add(dnsSite(plan, z));
    if (zoneAssociationsElsewhere(plan, z).length > 0) add(accountSite(plan, z.account, z.region, 'links'));
  }
  return [...all.values()].sort((a, b) => siteKey(a).localeCompare(siteKey(b)));
}

/** The planned VPCs of a site. */
export function vpcsOf(plan: any, site: Site): string[] {
  return Object.keys(plan.vpcs).filter((n) => siteKey(vpcSite(plan, n)) === siteKey(site));
}

/** A zone's associated VPCs that are built in another stack than the zone. */
export function zoneAssociationsElsewhere(plan: any, zone: any): string[] {
  const home = siteKey(dnsSite(plan, zone));
  return (zone.associations as string[]).filter((v) => siteKey(vpcSite(plan, v)) !== home);
}

/** The parameter names of values that cross stacks. */
export const keys = {
  vpcId: (vpc: string) => `vpc/${vpc}/id`,
  attachmentId: (vpc: string) => `attachment/${vpc}/id`,
  tgwId: (tgwId: string) => `${tgwId}/id`,
  peeringId: (peeringId: string) => `${peeringId}/id`,
  zoneId: (zoneId: string) => `zone/${zoneId}/id`,
  profileId: (profileId: string) => `profile/${profileId}/id`,
  ruleId: (ruleId: string) => `resolver-rule/${ruleId}/id`,
  endpointId: (endpointId: string) => `endpoint/${endpointId}/id`,
  portalRoleArn: () => 'studio/portal-role/arn',
};

/** The role a zone-owning account assumes in a VPC's account to associate the VPC with its zone. */
export function zoneAssociatorRoleName(topology: string, vpcSite: Site): string {
  return `${topology}-zone-assoc-${vpcSite.role}-${vpcSite.region}`.slice(0, 64);
}
