// In-process synth (app.synth(), no CLI, no cdk-nag) of Linkplan apps
// against equivalent apps written directly with aws-cdk-lib.
//
//   node cdk-lib/bench/synth.mjs            (RUNS=5 WARMUP=1 by default)
//
// Topologies: (a) examples/bedrock-privatelink (with its workloads), and
// (b) a generated one: a network account owning the transit gateway and a
// hub VPC in us-east-1 sharing STS and Lambda endpoints, DNS through Route 53
// Profiles, and 100 spoke VPCs over 10 accounts, all attached; plus an ML
// account serving Bedrock as in the example.
//
// "Plain" app: the Linkplan app is synthesized once; from its templates a
// description is taken (outside the timing) and the plain app recreates the
// same stacks (same names, env, description, stack dependencies) with the
// same resources as L1 `CfnResource`s (type, properties, DependsOn,
// Condition, Metadata, policies), the same CFN Parameters and Outputs, and
// every Lambda asset staged again through `s3_assets.Asset` (same content;
// the AwsCustomResource provider's asset gets its content hash here where
// aws-cdk-lib gives it a custom one, so S3 keys are left out of the
// comparison). The script checks that both apps give the same templates. Timed for each app: new App → construct →
// app.synth() into a fresh directory; the Linkplan app's timing includes
// Topology.fromString (the napi plan call), reported separately too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(import.meta.url);
const cdk = require('aws-cdk-lib');
const s3assets = require('aws-cdk-lib/aws-s3-assets');
const { Topology, TopologyStacks } = require('../lib/index.js');

const RUNS = Number(process.env.RUNS ?? 5);
const WARMUP = Number(process.env.WARMUP ?? 1);
// the example's cdk.json context, and asset metadata as the CLI enables it
const CONTEXT = { '@aws-cdk/core:stackRelativeExports': true, 'aws:cdk:enable-asset-metadata': true };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lp-synth-'));
let outdirs = 0;
const outdir = () => path.join(tmp, `out${outdirs++}`);

const ms = (ns) => Number(ns) / 1e6;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function generated(spokes, accounts) {
  let t = 'apiVersion: linkplan/v1alpha1\nname: generated\naccounts:\n  network: { id: "100000000000" }\n  ml: { id: "111111111111" }\n';
  for (let a = 0; a < accounts; a++) t += `  acct${a}: { id: "${String(200000000000 + a)}" }\n`;
  t += 'addressing:\n  pools:\n    - cidr: 10.0.0.0/8\nvpcs:\n';
  t += '  hub: { account: network, region: us-east-1, cidr: 172.31.0.0/16, azs: [use1-az1, use1-az2] }\n';
  t += '  ml-use1: { account: ml, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }\n';
  const names = [];
  for (let i = 0; i < spokes; i++) {
    names.push(`spoke${i}`);
    t += `  spoke${i}: { account: acct${i % accounts}, region: us-east-1, size: 22, azs: [use1-az1, use1-az2] }\n`;
  }
  t += `transit:\n  mode: transit-gateway\n  owner: network\n  attach: [hub, ${names.join(', ')}]\n`;
  t += `endpoints:\n  - vpc: hub\n    services: [sts, lambda]\n    share: [${names.join(', ')}]\n  - vpc: ml-use1\n    services: [bedrock-runtime]\n`;
  t += 'dns:\n  mode: profile\n';
  t += `quotas: { vpcsPerRegion: ${Math.ceil(spokes / accounts) + 5} }\n`;
  t += 'workloads:\n  - { name: ml-streaming-lambda, vpc: ml-use1, needs: [bedrock-runtime] }\n';
  t += `bedrock:\n  account: ml\n  vpc: ml-use1\n  models: [anthropic.claude-3-sonnet-20240229-v1:0]\n  invokers: [${Array.from({ length: accounts }, (_, a) => `acct${a}`).join(', ')}]\n`;
  return t;
}

const cases = [
  {
    name: 'bedrock-privatelink example',
    text: readFileSync(path.join(root, 'examples/bedrock-privatelink/topology.yaml'), 'utf8'),
    fileName: 'topology.yaml',
    props: { workloads: { 'app-apse1': { notebook: true, function: true } } },
  },
  { name: 'generated: 100 spokes, 10 accounts', text: generated(100, 10), fileName: 'generated.yaml', props: {} },
];

/** The Linkplan app; returns the times of the plan call and of the whole. */
function linkplanApp(c, out) {
  const t0 = process.hrtime.bigint();
  const app = new cdk.App({ outdir: out, context: CONTEXT });
  const t1 = process.hrtime.bigint();
  const topology = Topology.fromString(c.text, { fileName: c.fileName });
  const t2 = process.hrtime.bigint();
  new TopologyStacks(app, 'Linkplan', topology, c.props);
  const t3 = process.hrtime.bigint();
  const assembly = app.synth();
  const t4 = process.hrtime.bigint();
  return { total: ms(t4 - t0), plan: ms(t2 - t1), construct: ms(t3 - t2), synth: ms(t4 - t3), assembly };
}

/** What the plain app needs to know, taken from a Linkplan synth. */
function describe(assembly) {
  return assembly.stacks.map((s) => {
    const tpl = s.template;
    const resources = {};
    for (const [id, r] of Object.entries(tpl.Resources ?? {})) {
      if (r.Type === 'AWS::CDK::Metadata') continue;
      const md = { ...(r.Metadata ?? {}) };
      delete md['aws:cdk:path'];
      // an asset's staged directory in the Linkplan app's output, restaged by the plain app
      const asset = md['aws:asset:path'] ? path.join(assembly.directory, md['aws:asset:path']) : undefined;
      resources[id] = { ...r, Metadata: Object.keys(md).length ? md : undefined, asset };
    }
    const parameters = { ...(tpl.Parameters ?? {}) };
    delete parameters.BootstrapVersion; // the synthesizer adds it
    const rules = { ...(tpl.Rules ?? {}) };
    delete rules.CheckBootstrapVersion;
    return {
      name: s.stackName,
      env: { account: s.environment.account, region: s.environment.region },
      description: tpl.Description,
      dependencies: s.dependencies.filter((d) => d.constructor.name === 'CloudFormationStackArtifact').map((d) => d.stackName ?? d.id),
      parameters,
      conditions: tpl.Conditions ?? {},
      outputs: tpl.Outputs ?? {},
      rules,
      resources,
    };
  });
}

/** The equivalent app, written with aws-cdk-lib only (L1 resources + assets). */
function plainApp(description, out) {
  const t0 = process.hrtime.bigint();
  const app = new cdk.App({ outdir: out, context: CONTEXT });
  const stacks = new Map();
  for (const d of description) {
    const stack = new cdk.Stack(app, d.name, { env: d.env, description: d.description });
    stacks.set(d.name, stack);
    for (const [id, p] of Object.entries(d.parameters)) {
      new cdk.CfnParameter(stack, id, { type: p.Type, default: p.Default, description: p.Description, noEcho: p.NoEcho, allowedValues: p.AllowedValues });
    }
    if (Object.keys(d.conditions).length || Object.keys(d.rules).length) throw new Error(`${d.name}: conditions or rules, which this bench does not copy`);
    const made = {};
    let assets = 0;
    for (const [id, r] of Object.entries(d.resources)) {
      let properties = r.Properties;
      if (r.asset) {
        const asset = new s3assets.Asset(stack, `Asset${assets++}`, { path: r.asset });
        properties = { ...properties, Code: { S3Bucket: asset.s3BucketName, S3Key: asset.s3ObjectKey } };
      }
      const res = new cdk.CfnResource(stack, id, { type: r.Type, properties });
      res.overrideLogicalId(id);
      if (r.Metadata) for (const [k, v] of Object.entries(r.Metadata)) res.addMetadata(k, v);
      if (r.UpdateReplacePolicy) res.addOverride('UpdateReplacePolicy', r.UpdateReplacePolicy);
      if (r.DeletionPolicy) res.addOverride('DeletionPolicy', r.DeletionPolicy);
      if (r.Condition) res.addOverride('Condition', r.Condition);
      made[id] = { res, dependsOn: r.DependsOn };
    }
    for (const { res, dependsOn } of Object.values(made)) {
      for (const dep of [dependsOn ?? []].flat()) res.addResourceDependency(made[dep].res);
    }
    for (const [id, o] of Object.entries(d.outputs)) new cdk.CfnOutput(stack, id, { value: o.Value, description: o.Description, exportName: o.Export?.Name }).overrideLogicalId(id);
  }
  for (const d of description) for (const dep of d.dependencies) stacks.get(d.name).addStackDependency(stacks.get(dep));
  const assembly = app.synth();
  return { total: ms(process.hrtime.bigint() - t0), assembly };
}

/** Templates without the construct paths (which differ by construction) and asset keys, DependsOn sorted. */
function normalized(assembly) {
  const strip = (v) => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const o = {};
      for (const k of Object.keys(v).sort()) if (k !== 'aws:cdk:path') o[k] = k === 'DependsOn' ? [v[k]].flat().sort() : strip(v[k]);
      return o;
    }
    return typeof v === 'string' && /^[0-9a-f]{64}\.zip$/.test(v) ? 'ASSET.zip' : v;
  };
  return JSON.stringify(assembly.stacks.map((s) => [s.stackName, strip(s.template), s.dependencies.map((d) => d.id).sort()]));
}

console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, aws-cdk-lib ${require('aws-cdk-lib/package.json').version}; medians of ${RUNS} interleaved runs after ${WARMUP} warm-up`);
const rows = [];
for (const c of cases) {
  const first = linkplanApp(c, outdir());
  const description = describe(first.assembly);
  const plain = plainApp(description, outdir());
  if (normalized(first.assembly) !== normalized(plain.assembly)) {
    if (process.env.DUMP) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync('/tmp/lp-a.json', JSON.stringify(JSON.parse(normalized(first.assembly)), null, 1));
      writeFileSync('/tmp/lp-b.json', JSON.stringify(JSON.parse(normalized(plain.assembly)), null, 1));
    }
    throw new Error(`${c.name}: the plain app's templates differ from the Linkplan app's`);
  }
  const resources = description.reduce((n, d) => n + Object.keys(d.resources).length, 0);
  const assets = description.reduce((n, d) => n + Object.values(d.resources).filter((r) => r.asset).length, 0);
  const lp = [];
  const pl = [];
  const parts = { plan: [], construct: [], synth: [] };
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const runLinkplan = () => {
      const o = outdir();
      const r = linkplanApp(c, o);
      rmSync(o, { recursive: true, force: true });
      if (i >= WARMUP) {
        lp.push(r.total);
        for (const k of Object.keys(parts)) parts[k].push(r[k]);
      }
    };
    const runPlain = () => {
      const o = outdir();
      const r = plainApp(description, o);
      rmSync(o, { recursive: true, force: true });
      if (i >= WARMUP) pl.push(r.total);
    };
    if (i % 2) { runPlain(); runLinkplan(); } else { runLinkplan(); runPlain(); }
  }
  const L = median(lp);
  const P = median(pl);
  rows.push({
    case: c.name,
    stacks: description.length,
    resources,
    assets,
    linkplan: L,
    plain: P,
    overhead: (100 * (L - P)) / P,
    plan: median(parts.plan),
    construct: median(parts.construct),
    synth: median(parts.synth),
    spread: `${Math.min(...lp).toFixed(0)}–${Math.max(...lp).toFixed(0)} / ${Math.min(...pl).toFixed(0)}–${Math.max(...pl).toFixed(0)}`,
  });
}
rmSync(tmp, { recursive: true, force: true });
console.log('| topology | stacks | resources (assets) | Linkplan | plain aws-cdk-lib | overhead | Linkplan: plan call / constructs / app.synth() | min–max Linkplan / plain |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.case} | ${r.stacks} | ${r.resources} (${r.assets}) | ${r.linkplan.toFixed(0)} ms | ${r.plain.toFixed(0)} ms | ${r.overhead >= 0 ? '+' : ''}${r.overhead.toFixed(0)}% ` +
      `| ${r.plan.toFixed(1)} / ${r.construct.toFixed(0)} / ${r.synth.toFixed(0)} ms | ${r.spread} ms |`,
  );
}
