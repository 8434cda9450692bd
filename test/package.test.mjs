// The packed @linkplan/cdk tarball carries its native binding: packed with
// `npm pack`, installed into a scratch app outside the workspace, it loads a
// topology and synthesizes. (npm workspaces silently drop a bundled
// workspace package from a tarball, so this is checked, not assumed.) The
// TypeScript app of the npm page (cdk-lib/README.md) is compiled there with
// `strict` and run, and prints what the page says it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(dir, info.filename),
      'aws-cdk-lib@2.276.0',
      'constructs@10.8.1',
      'cdk-nag@3.0.2',
      '@types/node@20.19.43',
    ],
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

  // the npm page's app: its first ```ts block, type-checked with `strict` and run
  const readme = readFileSync(join(root, 'cdk-lib/README.md'), 'utf8');
  const source = readme.match(/```ts\n([\s\S]*?)```/)?.[1];
  assert.ok(source, 'cdk-lib/README.md has a ```ts block');
  const printed = readme.match(/prints this on stderr during `cdk synth`:\n\n```\n([\s\S]*?)```/)?.[1];
  assert.ok(printed, 'cdk-lib/README.md shows what its app prints');
  mkdirSync(join(app, 'bin'));
  writeFileSync(join(app, 'bin/app.ts'), source);
  copyFileSync(example, join(app, 'topology.yaml'));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        strict: true,
        outDir: 'build',
        rootDir: '.',
        types: ['node'],
        skipLibCheck: false,
      },
      include: ['bin'],
    }),
  );
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  execFileSync('node', [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
  const run = spawnSync('node', ['build/bin/app.js'], {
    cwd: app,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: join(dir, 'cdk.out.ts') },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, printed);
});
