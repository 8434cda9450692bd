// The bundled CDK example, end to end: `npx cdk synth` offline, the
// templates against a committed snapshot, `-c topology=PATH`, and a broken
// topology failing synth with the CLI's findings.
// Update the snapshot with: UPDATE_SNAPSHOTS=1 node --test test/examples.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cdk = join(root, 'node_modules/.bin/cdk');
const example = join(root, 'examples/bedrock-privatelink');

function synth(args = [], cwd = example) {
  const out = mkdtempSync(join(tmpdir(), 'linkplan-example-'));
  const r = spawnSync(cdk, ['synth', '--quiet', '--no-notices', '--no-version-reporting', '-o', out, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  return { ...r, out };
}

function templates(dir) {
  const all = {};
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .sort()) {
    // asset hashes change with any byte of the bundled handlers; the snapshot is about resources
    all[f.replace('.template.json', '')] = JSON.parse(readFileSync(join(dir, f), 'utf8').replace(/[0-9a-f]{64}/g, '<asset-hash>'));
  }
  return all;
}

test('npx cdk synth builds the example offline and matches the snapshot', () => {
  const r = synth();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wave 1: bedrock-privatelink-app-us-east-1-network bedrock-privatelink-ml-us-east-1-ml/);
  const got = templates(r.out);
  assert.equal(Object.keys(got).length, 6);
  const file = join(root, 'test/snapshots/bedrock-privatelink.json');
  const text = `${JSON.stringify(got, null, 1)}\n`;
  if (process.env.UPDATE_SNAPSHOTS || !existsSync(file)) writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), 'the example synthesizes differently: review, then UPDATE_SNAPSHOTS=1');
});

test('the PrivateLink example synthesizes offline and matches its snapshot', () => {
  const r = synth([], join(root, 'examples/privatelink-service'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wave 1: privatelink-service-producer-eu-west-1-spoke\nwave 2: privatelink-service-consumer-eu-west-1-spoke/);
  const file = join(root, 'test/snapshots/privatelink-service.json');
  const text = `${JSON.stringify(templates(r.out), null, 1)}\n`;
  if (process.env.UPDATE_SNAPSHOTS || !existsSync(file)) writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), 'the example synthesizes differently: review, then UPDATE_SNAPSHOTS=1');
});

test('the Studio example synthesizes offline and matches its snapshot', () => {
  const r = synth([], join(root, 'examples/studio-multi-account'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /wave 1: studio-multi-account-shared-us-east-1-network\n/);
  const file = join(root, 'test/snapshots/studio-multi-account.json');
  const text = `${JSON.stringify(templates(r.out), null, 1)}\n`;
  if (process.env.UPDATE_SNAPSHOTS || !existsSync(file)) writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), 'the example synthesizes differently: review, then UPDATE_SNAPSHOTS=1');
});

test('-c topology=PATH synthesizes another topology file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linkplan-topology-'));
  const file = join(dir, 'other.yaml');
  // other names everywhere: the app names no VPC of its own topology
  const renamed = readFileSync(join(example, 'topology.yaml'), 'utf8')
    .replace('name: bedrock-privatelink', 'name: other-net')
    .replaceAll('app-apse1', 'shop-sin')
    .replaceAll('app-use1', 'shop-iad');
  writeFileSync(file, renamed);
  const r = synth(['-c', `topology=${file}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(r.out, 'other-net-app-us-east-1-network.template.json')), readdirSync(r.out).join(' '));
  // the client workloads come from the topology's `notebook` and `lambda` workloads
  const spoke = JSON.parse(readFileSync(join(r.out, 'other-net-app-ap-southeast-1-spoke.template.json'), 'utf8'));
  const types = Object.values(spoke.Resources).map((x) => x.Type);
  assert.ok(types.includes('AWS::SageMaker::NotebookInstance'), types.join(' '));
  assert.ok(types.includes('AWS::Lambda::Function'), types.join(' '));
  // without the `notebook` workload, no notebook
  writeFileSync(file, renamed.replace('    kind: notebook\n', ''));
  const without = synth(['-c', `topology=${file}`]);
  assert.equal(without.status, 0, without.stderr);
  const spoke2 = JSON.parse(readFileSync(join(without.out, 'other-net-app-ap-southeast-1-spoke.template.json'), 'utf8'));
  const types2 = Object.values(spoke2.Resources).map((x) => x.Type);
  assert.ok(!types2.includes('AWS::SageMaker::NotebookInstance') && types2.includes('AWS::Lambda::Function'), types2.join(' '));
});

test("the Bedrock app builds the seed's workloads in the us-east-1 hub when the topology puts them there", () => {
  const dir = mkdtempSync(join(tmpdir(), 'linkplan-topology-'));
  const file = join(dir, 'hub-workloads.yaml');
  const text = readFileSync(join(example, 'topology.yaml'), 'utf8')
    .replace('    share: [app-apse1]\n', '    share: [app-apse1]\n  - vpc: app-use1\n    services: [sagemaker.api, sagemaker.runtime]\n')
    .replace(
      'bedrock:\n',
      '  - { name: app-notebook-use1, vpc: app-use1, kind: notebook, needs: [sts@us-east-1, lambda@us-east-1] }\n' +
        '  - { name: app-function-use1, vpc: app-use1, kind: lambda, needs: [sts@us-east-1, lambda@us-east-1] }\nbedrock:\n',
    );
  writeFileSync(file, text);
  const r = synth(['-c', `topology=${file}`]);
  assert.equal(r.status, 0, r.stderr);
  const hub = JSON.parse(readFileSync(join(r.out, 'bedrock-privatelink-app-us-east-1-network.template.json'), 'utf8'));
  const resources = Object.values(hub.Resources);
  const notebook = resources.find((x) => x.Type === 'AWS::SageMaker::NotebookInstance');
  assert.equal(notebook?.Properties.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion, '2');
  assert.ok(resources.some((x) => x.Type === 'AWS::SageMaker::NotebookInstanceLifecycleConfig'));
  assert.ok(resources.some((x) => x.Type === 'AWS::Lambda::Function' && x.Properties.Environment?.Variables?.INVOKER_ROLE_ARN));
});

test('the Bedrock app synthesizes a topology without a bedrock section (the bank layout)', () => {
  const r = synth(['-c', `topology=${join(root, 'core/tests/rules/LP070-ok-bank-layout-isolated.yaml')}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(r.out, 'bank-layout-network-eu-central-1-network.template.json')), readdirSync(r.out).join(' '));
});

test('a topology with errors fails synth with every finding, as the CLI prints them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linkplan-topology-'));
  const file = join(dir, 'broken.yaml');
  writeFileSync(
    file,
    readFileSync(join(example, 'topology.yaml'), 'utf8')
      .replace('cidr: 10.10.0.0/16', 'cidr: 10.10.0.0/33')
      .replace('vpc: ml-use1\n    services', 'vpc: ml-use9\n    services'),
  );
  const r = synth(['-c', `topology=${file}`]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /the topology has 2 errors/);
  assert.match(r.stderr, /LP001/);
  assert.match(r.stderr, /broken\.yaml:\d+:\d+/);
  assert.match(r.stderr, /ml-use9/);
  // the same findings as `plan validate` (LINKPLAN_PLAN_BIN, set by test/all.sh, or a cargo build)
  const bin = [process.env.LINKPLAN_PLAN_BIN, ...['release', 'debug'].map((p) => join(root, 'target', p, 'plan'))].find(
    (b) => b && existsSync(b),
  );
  assert.ok(bin, 'build the plan CLI first (cargo build)');
  const cli = spawnSync(bin, ['validate', file, '--color', 'never'], { encoding: 'utf8' });
  assert.equal(cli.status, 1);
  const codes = [...new Set(`${cli.stdout}${cli.stderr}`.match(/LP\d{3}/g))];
  assert.equal(codes.length, 2, codes.join(' '));
  for (const code of codes) assert.match(r.stderr, new RegExp(code));
});
