// The napi binding from Node: diagnostics as data, plans as objects, and no
// input that can abort the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const binding = require('../bindings');
const example = readFileSync(new URL('../examples/bedrock-privatelink/topology.yaml', import.meta.url), 'utf8');

test('validate accepts the bundled example', () => {
  const r = binding.validate(example, { fileName: 'examples/bedrock-privatelink/topology.yaml' });
  assert.equal(r.valid, true);
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.planJson, undefined, 'validate does not return a plan');
});

test('findings come back as data with a code frame', () => {
  const broken = example.replace('cidr: 10.10.0.0/16', 'cidr: 10.10.0.1/16').replace('region: ap-southeast-1', 'region: ap-southeast-9');
  const r = binding.validate(broken, { fileName: 'bad.yaml' });
  assert.equal(r.valid, false);
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ['LP020', 'LP013'],
  );
  const [host] = r.diagnostics;
  assert.equal(host.file, 'bad.yaml');
  assert.equal(host.line, 28);
  assert.equal(host.column, 11);
  assert.equal(host.severity, 'error');
  assert.match(host.hint, /10\.10\.0\.0\/16/);
  assert.equal(host.codeFrame, undefined, 'frames are rendered on demand');
  const frame = binding.codeFrame(host, broken);
  assert.match(frame, /bad\.yaml:28:11/);
  assert.match(frame, /cidr: 10\.10\.0\.1\/16/);
  assert.ok(binding.codeFrame(host, broken, { color: true }).includes('\u001b['), 'colours on request');
  assert.equal(host.path, '/vpcs/app-use1/cidr');
});

test('plan returns the plan and the lock it implies', () => {
  const r = binding.plan(example);
  r.plan = JSON.parse(r.planJson);
  assert.equal(r.valid, true);
  assert.equal(r.plan.version, 'linkplan.plan/v1alpha1');
  assert.equal(r.plan.vpcs['app-use1'].cidr, '10.10.0.0/16');
  assert.ok(r.plan.reachability.every((p) => p.ok));
  const lock = JSON.parse(r.lock);
  assert.equal(lock.topology, 'bedrock-privatelink');
  // planning again with that lock keeps every allocation, now marked locked
  const again = binding.plan(example, { lock: r.lock });
  again.plan = JSON.parse(again.planJson);
  assert.equal(again.valid, true);
  for (const [name, vpc] of Object.entries(r.plan.vpcs)) {
    assert.equal(again.plan.vpcs[name].cidr, vpc.cidr);
    assert.deepEqual(again.plan.vpcs[name].subnets, vpc.subnets);
    assert.equal(again.plan.vpcs[name].locked, true);
  }
  assert.equal(again.lock, r.lock, 'an unchanged topology re-locks to the same text');
});

test('a lock of another topology is LP002 in the lock file', () => {
  const r = binding.plan(example, { lock: '{"lockVersion": 1, "topology": "other", "vpcs": {}}', lockFileName: 'x.lock.json' });
  assert.equal(r.valid, false);
  assert.equal(r.planJson, undefined);
  assert.equal(r.diagnostics[0].code, 'LP002');
  assert.equal(r.diagnostics[0].file, 'x.lock.json');
});

test('hostile input is a diagnostic, never a crash', () => {
  let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++)
    bomb += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  for (const text of ['', '\u0000\uffff', '{{{{', bomb, 'apiVersion: [', '- - - -', 'a: !!binary AAAA']) {
    const r = binding.validate(text);
    assert.equal(r.valid, false, JSON.stringify(text));
    assert.ok(r.diagnostics.length > 0);
  }
  // a wrong argument type is a JS TypeError, not an abort
  assert.throws(() => binding.validate(42));
});

// Runs `script` in a Node process whose data segment is limited to 1 GiB
// (`ulimit -d`: V8's reserved address space is not data, so Node starts; what
// the binding or V8 allocates is). The binding must answer within it.
function underMemoryLimit(script) {
  return spawnSync('bash', ['-c', 'ulimit -d 1048576 && exec "$0" -e "$1"', process.execPath, script], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
}

test('alias bombs and deep nesting through the binding, under a 1 GiB limit: LP001, never an abort', () => {
  // the limit holds: the same process cannot allocate 2 GiB
  const probe = underMemoryLimit('const a = []; for (let i = 0; i < 2048; i++) a.push(Buffer.alloc(1 << 20, 1));');
  assert.ok(probe.status !== 0 || probe.signal !== null, 'allocating 2 GiB under the limit fails');
  const script = `
    const b = require(${JSON.stringify(new URL('../bindings', import.meta.url).pathname)});
    // the issue's 1.3 MB of nested aliases (10 GB expanded), a 1 MB string
    // aliased 10,000 times, a billion laughs, 200,000 levels of nesting
    let nested = 'a0: &a0 [' + Array(10).fill('x'.repeat(130000)).join(', ') + ']\\n';
    for (let i = 1; i < 6; i++) nested += 'a' + i + ': &a' + i + ' [' + Array(10).fill('*a' + (i - 1)).join(', ') + ']\\n';
    const long = 's: &s "' + 'y'.repeat(1 << 20) + '"\\nl: [' + Array(10000).fill('*s').join(', ') + ']\\n';
    let laughs = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\\n';
    for (let i = 1; i < 10; i++) laughs += 'a' + i + ': &a' + i + ' [' + Array(10).fill('*a' + (i - 1)).join(', ') + ']\\n';
    const deep = '- '.repeat(200000) + 'x\\n';
    const out = [nested, long, laughs, deep].map((t) => {
      for (const call of [b.validate, b.plan]) call(t);
      const d = b.plan(t).diagnostics[0];
      return { size: t.length, code: d.code, message: d.message, line: d.line };
    });
    console.log(JSON.stringify(out));
  `;
  const r = underMemoryLimit(script);
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr.slice(-2000)}`);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const results = JSON.parse(r.stdout);
  assert.ok(results[0].size > 1_290_000, "the issue's 1.3 MB bomb");
  const expected = [
    'aliases expand this document past 67,108,864 bytes',
    'aliases expand this document past 67,108,864 bytes',
    'aliases expand this document past 2,000,000 nodes',
    'more than 64 levels deep',
  ];
  results.forEach((d, i) => {
    assert.equal(d.code, 'LP001', JSON.stringify(d));
    assert.ok(d.message.includes(expected[i]), JSON.stringify(d));
    assert.ok(d.line >= 1);
  });
});

test('the binding reports the core version', () => {
  assert.match(binding.version(), /^\d+\.\d+\.\d+$/);
});

test('an unknown option is refused, naming it and the accepted ones; an empty lock is no lock', () => {
  // `lockFile` is the CDK option's name: ignored, it applied no lock
  for (const call of [binding.plan, binding.validate]) {
    assert.throws(
      () => call(example, { lockFile: 'topology.lock.json' }),
      /unknown field `lockFile`.*the options are fileName, lock, lockFileName/,
    );
  }
  const r = binding.plan(example, { lock: '' });
  assert.equal(r.valid, true);
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    [],
  );
  // a lock that is there is still read: a corrupt one is LP002
  assert.ok(binding.plan(example, { lock: '{' }).diagnostics.some((d) => d.code === 'LP002'));
  assert.equal(binding.plan(example, null).valid, true);
});
