// Topology.fromFile / fromString: the plan from the core, every finding in
// one thrown error, warnings as CDK annotations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { Topology } = require('../lib/index.js');
const { App, Stack } = require('aws-cdk-lib');
const { Annotations, Match } = require('aws-cdk-lib/assertions');

const examplePath = new URL('../../examples/bedrock-privatelink/topology.yaml', import.meta.url).pathname;
const example = readFileSync(examplePath, 'utf8');

function scratch(text, lock) {
  const dir = mkdtempSync(join(tmpdir(), 'linkplan-'));
  writeFileSync(join(dir, 'topology.yaml'), text);
  if (lock !== undefined) writeFileSync(join(dir, 'topology.lock.json'), lock);
  return join(dir, 'topology.yaml');
}

test('fromFile returns the plan of the core', () => {
  const t = Topology.fromFile(examplePath);
  assert.equal(t.name, 'bedrock-privatelink');
  assert.deepEqual(t.vpcNames.sort(), ['app-apse1', 'app-use1', 'ml-use1']);
  assert.equal(t.plan.vpcs['app-use1'].cidr, '10.10.0.0/16');
  assert.ok(t.plan.reachability.every((p) => p.ok));
  assert.equal(JSON.parse(t.lockText).topology, 'bedrock-privatelink');
  assert.deepEqual(t.warnings, []);
  assert.match(Topology.coreVersion(), /^\d+\.\d+\.\d+$/);
});

test('an invalid topology throws one error listing every finding as the CLI prints them', () => {
  const file = scratch(
    example.replace('cidr: 10.10.0.0/16', 'cidr: 10.10.0.1/16').replace('region: ap-southeast-1', 'region: ap-southeast-9'),
  );
  assert.throws(
    () => Topology.fromFile(file),
    (e) => {
      assert.match(e.message, /the topology has 2 errors/);
      assert.match(e.message, /LP020/);
      assert.match(e.message, /LP013/);
      assert.match(e.message, /topology\.yaml:28:11/);
      return true;
    },
  );
});

test('many errors: the first 20 with their frames, then how many more', () => {
  const vpcs = Array.from(
    { length: 45 },
    (_, i) => `  bad${i}: { account: ml, region: us-east-1, cidr: 10.200.${i}.1/24, azs: [use1-az1] }\n`,
  ).join('');
  const text = example.replace('vpcs:\n', `vpcs:\n${vpcs}`);
  assert.throws(
    () => Topology.fromString(text, { fileName: 'many.yaml' }),
    (e) => {
      assert.match(e.message, /^the topology has 45 errors:/);
      assert.equal(e.message.match(/╭─\[many\.yaml:/g).length, 20, 'twenty code frames');
      assert.match(e.message, /… and 25 more \(`plan validate many\.yaml` lists every one\)/);
      return true;
    },
  );
});

test('a warning renders its code frame when read, from the file it is in', () => {
  const lock = JSON.stringify({ lockVersion: 1, topology: 'bedrock-privatelink', vpcs: {} });
  const t = Topology.fromString(example, { fileName: 't.yaml', lock, lockFileName: 'l.json' });
  const w = t.warnings.find((d) => d.message.includes('app-apse1'));
  assert.match(w.codeFrame, /╭─\[t\.yaml:\d+:\d+\]/);
  assert.match(w.codeFrame, /app-apse1:/, 'the frame shows the topology line');
  assert.equal(w.codeFrame, w.codeFrame, 'rendered once, the same text');
  assert.ok(Object.keys(w).includes('codeFrame'), 'still a property of the finding');
});

test('the lock beside the file is honoured and warnings become annotations', () => {
  // a lock that does not hold every VPC yet: LP027 warnings, no error
  const lock = JSON.stringify({ lockVersion: 1, topology: 'bedrock-privatelink', vpcs: {} });
  const t = Topology.fromFile(scratch(example, lock));
  assert.equal(t.warnings.length, 3);
  assert.ok(t.warnings.every((w) => w.code === 'LP027' && w.severity === 'warning'));
  const app = new App();
  const stack = new Stack(app, 'S');
  t.annotate(stack);
  Annotations.fromStack(stack).hasWarning(
    '/S',
    Match.stringLikeRegexp('LP027 .*topology.yaml:\\d+:\\d+: VPC `app-apse1` is not in the lock file yet'),
  );
});

test('a corrupt lock is an error and an explicit missing lock is refused', () => {
  assert.throws(() => Topology.fromFile(scratch(example, '{ "lockVersion": 1,')), /LP002/);
  assert.throws(() => Topology.fromFile(examplePath, { lockFile: '/nonexistent/x.lock.json' }), /does not exist/);
  // a missing topology file is named, not a bare ENOENT
  assert.throws(() => Topology.fromFile('/nonexistent/topology.yaml'), {
    message: 'cannot read the topology file /nonexistent/topology.yaml: no such file',
  });
});

test('fromString reports the file name it is given', () => {
  assert.throws(() => Topology.fromString('apiVersion: linkplan/v1alpha1\n', { fileName: 'inline.yaml' }), /inline\.yaml:1:1/);
});
