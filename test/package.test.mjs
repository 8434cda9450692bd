// The packed @linkplan/cdk tarball carries its native binding: packed with
// `npm pack`, installed into a scratch app outside the workspace, it loads a
// topology and synthesizes. (npm workspaces silently drop a bundled
// workspace package from a tarball, so this is checked, not assumed.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const example = join(root, 'examples/bedrock-privatelink/topology.yaml');

test('the packed library ships its binding and works from a scratch app', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'linkplan-pack-'));
  const out = execFileSync('npm', ['pack', '-w', 'cdk-lib', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
  const [info] = JSON.parse(out.slice(out.indexOf('[')));
  const files = info.files.map((f) => f.path);
  for (const needed of ['lib/index.js', 'lib/index.d.ts', '.jsii', 'native/index.js', 'native/linkplan.linux-x64-gnu.node']) {
    assert.ok(files.includes(needed), `${needed} is missing from the tarball: ${files.join(', ')}`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'sources and tests stay out');

  const app = join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', version: '0.0.0', private: true }));
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, info.filename), 'aws-cdk-lib@2.276.0', 'constructs@10.8.1'],
    {
      cwd: app,
      stdio: 'pipe',
    },
  );
  writeFileSync(
    join(app, 'synth.js'),
    `const { App } = require('aws-cdk-lib');
     const { Topology, TopologyStacks } = require('@linkplan/cdk');
     const t = Topology.fromFile(${JSON.stringify(example)});
     const app = new App({ outdir: ${JSON.stringify(join(dir, 'cdk.out'))} });
     // every stack, with the workloads whose handlers ship in the tarball
     new TopologyStacks(app, 'Linkplan', t, { workloads: { 'app-apse1': { function: true } } });
     const assembly = app.synth();
     console.log(JSON.stringify({ name: t.name, vpcs: t.vpcNames.length, stacks: assembly.stacks.length }));`,
  );
  const result = JSON.parse(execFileSync('node', ['synth.js'], { cwd: app, encoding: 'utf8' }).trim().split('\n').pop());
  assert.deepEqual(result, { name: 'bedrock-privatelink', vpcs: 3, stacks: 6 });
});
