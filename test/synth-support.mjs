// A generator of random topologies aimed at validity, for
// test/synth-properties.test.mjs: several hubs per account and region, every
// DNS mode (association, profile, resolver) and transit mode
// (transit-gateway, vpc-peering), segments, pools and fixed CIDRs,
// on-premises networks, and the bedrock, studio and privatelink sections.
// `generate(g)` takes fast-check's `fc.gen()` value, so fast-check shrinks
// it. `synthesize(text)` builds a valid topology's every stack in-process.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { resourceCount, workloadResources } from '../cdk-lib/test/support.mjs';

const require = createRequire(import.meta.url);
const { Topology, TopologyStacks } = require('../cdk-lib/lib/index.js');
const { App, Validations } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');

const REGIONS = [
  { name: 'us-east-1', az: 'use1', geo: 'us', short: 'use1' },
  { name: 'us-west-2', az: 'usw2', geo: 'us', short: 'usw2' },
  { name: 'eu-central-1', az: 'euc1', geo: 'eu', short: 'euc1' },
  { name: 'eu-west-1', az: 'euw1', geo: 'eu', short: 'euw1' },
  { name: 'ap-southeast-1', az: 'apse1', geo: 'apac', short: 'apse1' },
];
// interface services a hub shares; services a VPC keeps to itself (gateway
// endpoints, and interface ones no hub serves, so no zone collides: LP032)
const HUB_SERVICES = [
  'sts',
  'logs',
  'lambda',
  'kms',
  'secretsmanager',
  'ecr.api',
  'ecr.dkr',
  'monitoring',
  'sns',
  'events',
  'bedrock-runtime',
  'sagemaker.api',
  'sagemaker.runtime',
];
const LOCAL_SERVICES = ['s3', 'dynamodb', 'ssm', 'ssmmessages', 'ec2messages', 'sqs'];
const STUDIO_SERVICES = ['sagemaker.api', 'sagemaker.runtime', 'sagemaker.studio', 'execute-api', 'sts', 'logs'];
const MODELS = (geo) => [
  'anthropic.claude-3-sonnet-20240229-v1:0',
  'anthropic.claude-3-haiku-20240307-v1:0',
  'amazon.titan-text-express-v1',
  `${geo}.anthropic.claude-3-5-sonnet-20240620-v1:0`,
  'global.anthropic.claude-sonnet-4-20250514-v1:0',
];

/** A random topology, as a JS object (dumped as JSON, which is YAML). */
export function generate(g) {
  const int = (min, max) => g(fc.integer, { min, max });
  const bool = (p = 0.5) => g(fc.integer, { min: 0, max: 99 }) < p * 100;
  // by index: the values may be objects that refer to each other
  const pick = (...xs) => xs[int(0, xs.length - 1)];
  const subset = (xs, min, max) =>
    xs.length === 0
      ? []
      : g(fc.shuffledSubarray, [...xs.keys()], { minLength: Math.min(min, xs.length), maxLength: Math.min(max, xs.length) }).map(
          (i) => xs[i],
        );

  const withOrg = bool(0.85);
  const regions = subset(REGIONS, 1, 3);
  const transitMode = pick('transit-gateway', 'vpc-peering');
  const dnsMode = pick('profile', 'association', 'resolver');
  const segmented = bool(0.5);
  const segments = segmented ? ['prod', 'non-prod'] : [undefined];
  const reaches = segmented && bool(0.25);
  const onPremises = bool(0.3);
  // in resolver mode every hub's inbound resolver answers on-premises: one
  // name per region may be served by one hub only (LP033)
  const disjoint = dnsMode === 'resolver' && onPremises;

  const accounts = {};
  const account = (name) => {
    const n = withOrg ? name : 'main';
    accounts[n] ??= { id: String(Object.keys(accounts).length + 1).repeat(12) };
    return n;
  };
  const netAccounts = ['net', 'net2'].slice(0, int(1, 2));
  const appAccounts = ['app', 'app2', 'app3'].slice(0, int(1, 3));

  const vpcs = {};
  const attach = [];
  let fixed = 0;
  const vpc = (name, { acct, region, segment, minAzs = 1, sizes = [20, 24], attached = true, azs }) => {
    const n = azs ?? int(minAzs, 3);
    const ids = Array.from({ length: n }, (_, i) => `${region.az}-az${i + 1}`);
    const v = { account: account(acct), region: region.name };
    if (fixed < 14 && bool(0.25)) v.cidr = `172.${16 + fixed++}.0.0/${int(Math.min(sizes[0], 22), 22)}`;
    else v.size = int(sizes[0], sizes[1]);
    v.azs = bool() ? n : ids;
    if (segment) v.segment = segment;
    if (bool(0.1)) v.subnets = { workload: 'auto', endpoints: 'auto', ...(attached ? { transit: 28 } : {}), data: 28 };
    vpcs[name] = v;
    if (attached) attach.push(name);
    return { name, region, segment, account: v.account, azs: n };
  };

  // hubs: one or two per region and segment; a later region may have none,
  // its spokes then served across regions (not in resolver mode: rules are regional)
  const hubs = [];
  for (const [ri, region] of regions.entries()) {
    for (const segment of segments) {
      const count = ri > 0 && dnsMode !== 'resolver' && bool(0.25) ? 0 : int(1, 2);
      for (let k = 0; k < count; k++) {
        const h = vpc(`hub-${segment ?? 'main'}-${region.short}-${k}`, {
          acct: pick(...netAccounts),
          region,
          segment,
          minAzs: 2,
          sizes: [20, 23],
        });
        h.services = subset(HUB_SERVICES, 1, 5);
        h.spokes = [];
        h.workloads = bool(0.15);
        hubs.push(h);
      }
    }
  }
  const hubsOf = (region, segment) => hubs.filter((h) => h.region === region && h.segment === segment);

  // spokes, each served by exactly one hub (two hubs serving one name to a VPC is LP033)
  const spokes = [];
  for (const region of regions) {
    for (const segment of segments) {
      const own = hubsOf(region, segment);
      // now and then served from another region although its own has hubs
      const away = hubs.filter((h) => h.region !== region && h.segment === segment);
      const servers = own.length === 0 ? hubsOf(regions[0], segment) : dnsMode !== 'resolver' && away.length > 0 && bool(0.15) ? away : own;
      const count = Math.max(servers.length, int(1, 2));
      for (let k = 0; k < count; k++) {
        const s = vpc(`app-${segment ?? 'main'}-${region.short}-${k}`, { acct: pick(...appAccounts), region, segment });
        s.hub = servers[k % servers.length];
        s.hub.spokes.push(s);
        s.local = bool(0.4) ? subset(LOCAL_SERVICES, 1, 3) : [];
        spokes.push(s);
      }
    }
  }

  // Studio: a portal VPC and LOB domain VPCs served by the first hub of the first region and segment
  let studio;
  if (bool(0.3)) {
    const hub = hubsOf(regions[0], segments[0])[0];
    hub.services = [...new Set([...STUDIO_SERVICES, ...hub.services])];
    const region = regions[0];
    const portal = vpc('portal', { acct: pick(...netAccounts, ...appAccounts), region, segment: segments[0], minAzs: 2 });
    portal.hub = hub;
    portal.local = [];
    hub.spokes.push(portal);
    const domains = [];
    for (let k = 0; k < int(1, 2); k++) {
      const d = vpc(`lob-${k}`, { acct: pick(...appAccounts), region, segment: segments[0], minAzs: 2 });
      d.hub = hub;
      d.local = ['s3'];
      hub.spokes.push(d);
      domains.push({
        lob: `lob-${k}`,
        account: d.account,
        vpc: d.name,
        users: Array.from({ length: int(1, 2) }, (_, u) => `user-${k}-${u}`),
      });
    }
    studio = {
      portal: { account: portal.account, vpc: 'portal', ...(bool() ? { presignedUrlTtlSeconds: int(5, 300) } : {}) },
      domains,
    };
    // the studio hub first, so it keeps its services when they must be disjoint
    hubs.splice(hubs.indexOf(hub), 1);
    hubs.unshift(hub);
  }
  if (disjoint) {
    const taken = new Map();
    for (const h of hubs) {
      const used = taken.get(h.region) ?? new Set();
      h.services = h.services.filter((s) => !used.has(s));
      if (h.services.length === 0) h.services = [HUB_SERVICES.find((s) => !used.has(s))];
      for (const s of h.services) used.add(s);
      taken.set(h.region, used);
    }
  }

  // the Bedrock ML account, its VPC with a local bedrock-runtime endpoint
  let bedrock;
  let ml;
  if (bool(0.4)) {
    const region = pick(...regions);
    ml = vpc(`ml-${region.short}`, { acct: 'ml', region, attached: false, segment: undefined });
    if (bool(0.3)) {
      attach.push(ml.name);
      if (segmented) vpcs[ml.name].segment = ml.segment = pick(...segments);
    }
    bedrock = { account: ml.account, vpc: ml.name, models: subset(MODELS(region.geo), 1, 3), invokers: [] };
  }

  // PrivateLink services of our own: a producer VPC, consumer spokes
  const privatelink = [];
  if (bool(0.35)) {
    for (let k = 0; k < int(1, 2); k++) {
      const region = pick(...regions);
      const p = vpc(`svc-${k}`, { acct: pick(...appAccounts), region, attached: false, azs: 3 });
      if (bool(0.3)) {
        attach.push(p.name);
        if (segmented) vpcs[p.name].segment = pick(...segments);
      }
      const crossRegion = bool(0.3);
      const candidates = spokes.filter((s) => crossRegion || s.region === region);
      if (candidates.length === 0) continue;
      privatelink.push({
        name: `svc-${k}`,
        producer: { vpc: p.name, port: int(1, 65535) },
        consumers: subset(candidates, 1, 2).map((s) => s.name),
        ...(bool(0.3) ? { acceptanceRequired: bool(0.7) } : {}),
        ...(crossRegion ? { crossRegion: true } : {}),
      });
    }
  }

  // endpoints: each hub shares its services with its spokes; local ones
  const policies = withOrg ? [undefined, 'organization', 'accounts', 'full-access'] : [undefined, 'accounts', 'full-access'];
  const endpoints = [];
  for (const h of hubs) {
    if (h.spokes.length === 0) continue;
    const e = { vpc: h.name, services: h.services, share: h.spokes.map((s) => s.name) };
    const policy = pick(...policies);
    if (policy) e.policy = policy;
    const admit = pick(undefined, 'needs', 'vpcs');
    if (admit) e.admit = admit;
    endpoints.push(e);
  }
  for (const s of spokes) if (s.local.length > 0) endpoints.push({ vpc: s.name, services: s.local });
  for (const d of studio?.domains ?? []) endpoints.push({ vpc: d.vpc, services: ['s3'] });
  if (ml) endpoints.push({ vpc: ml.name, services: ['bedrock-runtime', ...(bool(0.3) ? ['logs'] : [])] });

  // workloads: needs served by the VPC's hub (with @region across regions) or its own endpoints
  const workloads = [];
  const needsOf = (s) => {
    const here = (svc) => (s.hub.region === s.region && bool(0.7) ? svc : `${svc}@${s.hub.region.name}`);
    return [...s.hub.services.map((svc) => ({ svc, region: s.hub.region, text: here(svc) }))].concat(
      s.local.filter((svc) => !['ssmmessages', 'ec2messages'].includes(svc)).map((svc) => ({ svc, region: s.region, text: svc })),
    );
  };
  for (const s of spokes) {
    for (let k = 0; k < int(0, 2); k++) {
      const available = needsOf(s);
      let needs = subset(available, 1, 3);
      const has = (svc, region) => available.some((n) => n.svc === svc && n.region === region);
      // a client of the Bedrock function assumes the invoker role through STS of the function's region
      if (bedrock && needs.some((n) => n.svc === 'lambda' && n.region.name === vpcs[bedrock.vpc].region)) {
        const sts = available.find((n) => n.svc === 'sts' && n.region === s.hub.region);
        // (without an organization the invoker role's trust asks for an
        // external ID, which the proof does not present: LP031)
        if (sts && withOrg) {
          if (!needs.includes(sts)) needs.push(sts);
          if (!bedrock.invokers.includes(s.account)) bedrock.invokers.push(s.account);
        } else needs = needs.filter((n) => n.svc !== 'lambda');
      }
      if (needs.length === 0) continue;
      let kind = pick(undefined, 'lambda', 'instance', 'notebook');
      // a notebook implies SageMaker's API and runtime in its own region
      if (kind === 'notebook' && !(has('sagemaker.api', s.region) && has('sagemaker.runtime', s.region))) kind = 'lambda';
      workloads.push({ name: `${s.name}-w${k}`, vpc: s.name, ...(kind ? { kind } : {}), needs: needs.map((n) => n.text) });
    }
  }
  for (const h of hubs.filter((x) => x.workloads && x.spokes.length > 0 && !x.services.includes('execute-api'))) {
    // (not Lambda: that would make it a client of the Bedrock function)
    const needs = subset(
      h.services.filter((x) => x !== 'lambda'),
      1,
      2,
    );
    if (needs.length > 0) workloads.push({ name: `${h.name}-w`, vpc: h.name, needs });
  }
  if (bedrock && bedrock.invokers.length === 0) bedrock.invokers.push(account(pick(...appAccounts)));

  const topology = {
    apiVersion: 'linkplan/v1alpha1',
    name: `gen-${int(0, 9999)}`,
    ...(withOrg ? { organization: { id: 'o-generated01' } } : {}),
    accounts,
    addressing: {
      pools: pick(
        [{ cidr: '10.0.0.0/12' }],
        regions.map((r, i) => ({ cidr: `10.${16 * i}.0.0/12`, regions: [r.name] })),
        [{ cidr: '10.0.0.0/19' }, { cidr: '10.64.0.0/10' }],
      ),
      ...(bool(0.4) ? { reserved: [{ name: 'legacy', cidr: '192.168.0.0/20' }] } : {}),
    },
    vpcs,
  };
  const transit = { mode: transitMode };
  if (transitMode === 'transit-gateway') transit.owner = account(pick(...netAccounts));
  transit.attach = attach;
  if (segmented) {
    transit.segments = reaches ? { prod: { reaches: ['non-prod'] }, 'non-prod': {} } : { prod: {}, 'non-prod': {} };
  }
  topology.transit = transit;
  topology.endpoints = endpoints;
  topology.dns = { mode: dnsMode, ...(onPremises ? { onPremises: { cidrs: [pick('192.168.100.0/24', '100.64.0.0/15')] } } : {}) };
  if (workloads.length > 0) topology.workloads = workloads;
  if (bedrock) topology.bedrock = bedrock;
  if (studio) topology.studio = studio;
  if (privatelink.length > 0) topology.privatelink = privatelink;
  if (segmented && !reaches && bool(0.5)) {
    topology.isolation = [{ from: { segment: 'non-prod' }, to: { segment: 'prod', ...(bool() ? { service: 'sts' } : {}) } }];
  }
  // more than AWS's 5 VPCs of one account in one region: a raised quota
  const perSite = new Map();
  for (const v of Object.values(vpcs)) perSite.set(`${v.account}/${v.region}`, (perSite.get(`${v.account}/${v.region}`) ?? 0) + 1);
  if (Math.max(...perSite.values()) > 4 || bool(0.1)) topology.quotas = { vpcsPerRegion: 20 };
  return topology;
}

/** The example apps' client workloads, from the topology (examples/bedrock-privatelink/app.js). */
function clientWorkloads(plan) {
  const bedrock = plan.iam.bedrock;
  if (!bedrock) return {};
  const role = new Map(plan.stacks.map((s) => [s.name, s.role]));
  const out = {};
  for (const w of plan.workloads) {
    if (role.get(plan.vpcs[w.vpc].stack) !== 'spoke' || !w.needs.includes(`lambda@${bedrock.region}`)) continue;
    const built = (out[w.vpc] ??= {});
    if (w.kind === 'notebook') built.notebook = true;
    if (w.kind === 'lambda') built.function = true;
  }
  return out;
}

/**
 * Synthesizes a valid topology's text in-process and checks the facts the
 * plan gives; returns `{ stacks: [{ stackName, template }] }`.
 */
export function synthesize(text) {
  const topology = Topology.fromString(text, { fileName: 'generated.yaml' });
  const plan = topology.plan;
  const outdir = mkdtempSync(join(tmpdir(), 'linkplan-synth-'));
  try {
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new TopologyStacks(app, 'Linkplan', topology, { workloads: clientWorkloads(plan) });
    const assembly = app.synth();
    const byName = new Map(assembly.stacks.map((s) => [s.stackName, s]));
    assert.deepEqual([...byName.keys()].sort(), plan.stacks.map((s) => s.name).sort(), 'one stack per planned stack');
    for (const s of plan.stacks) {
      const got = byName.get(s.name);
      assert.equal(got.environment.account, s.accountId, s.name);
      assert.equal(got.environment.region, s.region, s.name);
    }
    for (const [name, v] of Object.entries(plan.vpcs)) {
      const resources = Object.values(byName.get(v.stack).template.Resources);
      const cidrs = resources.filter((r) => r.Type === 'AWS::EC2::VPC').map((r) => r.Properties.CidrBlock);
      assert.ok(cidrs.includes(v.cidr), `VPC ${name} ${v.cidr} is not in ${v.stack} (${cidrs.join(', ')})`);
      const subnets = new Set(resources.filter((r) => r.Type === 'AWS::EC2::Subnet').map((r) => r.Properties.CidrBlock));
      for (const sn of v.subnets) assert.ok(subnets.has(sn.cidr), `subnet ${name}/${sn.tier}/${sn.az} ${sn.cidr} is not in ${v.stack}`);
    }
    // every stack holds exactly the resources the plan counts for it (the
    // core's network::resources model of the constructs, which LP073 checks
    // against CloudFormation's quota), the app's client workloads apart
    for (const s of plan.stacks) {
      const template = byName.get(s.name).template;
      const count = resourceCount(template);
      const workloads = workloadResources(template);
      assert.equal(
        count - workloads,
        s.resources,
        `${s.name} holds ${count} resources (${workloads} of client workloads), the plan counts ${s.resources}: ${describe(template)}`,
      );
    }
    // the templates, read before their directory goes
    return { stacks: assembly.stacks.map((x) => ({ stackName: x.stackName, template: x.template })) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The resource types of a template and how many of each. */
function describe(template) {
  const types = {};
  for (const r of Object.values(template.Resources ?? {})) types[r.Type] = (types[r.Type] ?? 0) + 1;
  return JSON.stringify(types);
}
