// The napi call's own cost: binding.plan(text, …) on generated topologies,
// and how much of it is converting the plan to JS vs. the core itself.
//
//   node bindings/bench/plan.mjs [N…]        (default: 100 1000 10000)
//
// The YAML comes from the core's bench generator (core/benches/support/mod.rs)
// through `plan_generated N --yaml`, so there is one generator; the example is
// built (release) when it is missing.
//
// For each N, medians of RUNS (default 10) runs after WARMUP (default 2), the
// calls interleaved:
//   plan + JSON.parse  binding.plan(text, {fileName}) — core + plan → compact
//             JSON text + lock render — then JSON.parse of the plan text:
//             what Topology.fromString pays;
//   validate  binding.validate(text, {fileName}): the same core run
//             (linkplan_core::run plans everything), no plan or lock out;
//   difference: serializing the plan and lock, crossing into JS, parsing;
//   JSON.parse: parsing the plan text alone.
// (The binding returned the plan as a JS object until napi-rs's value
// conversion proved 5–6× slower than JSON.parse and refused plans of more
// than 1,000,000 values, i.e. 10,000 VPCs.)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const binding = createRequire(import.meta.url)('../index.js');

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const RUNS = Number(process.env.RUNS ?? 10);
const WARMUP = Number(process.env.WARMUP ?? 2);

const example = path.join(root, 'target/release/examples/plan_generated');
if (!existsSync(example)) {
  console.error('building the plan_generated example (release)…');
  execFileSync('cargo', ['build', '--release', '-p', 'linkplan-core', '--example', 'plan_generated'], { cwd: root, stdio: 'inherit' });
}
const generate = (n) => execFileSync(example, [String(n), '--yaml'], { encoding: 'utf8', maxBuffer: 1 << 28 });

const ms = (ns) => Number(ns) / 1e6;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const time = (f) => {
  const t0 = process.hrtime.bigint();
  const r = f();
  return [ms(process.hrtime.bigint() - t0), r];
};

console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, ${RUNS} runs after ${WARMUP} warm-up`);
console.log('| VPCs | YAML | plan + JSON.parse (median, min–max) | validate | difference | plan JSON | JSON.parse of it |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const kb = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${Math.round(b / 1e3)} KB`);
for (const n of sizes.length ? sizes : [100, 1000, 10000]) {
  const text = generate(n);
  const options = { fileName: `generated-${n}.yaml` };
  let first;
  try {
    first = binding.plan(text, options);
  } catch (e) {
    first = e;
  }
  if (first instanceof Error || !first.valid) {
    // the core's cost alone, and why plan() failed
    for (let i = 0; i < WARMUP; i++) binding.validate(text, options);
    const validates = Array.from({ length: RUNS }, () => time(() => binding.validate(text, options))[0]);
    const why =
      first instanceof Error ? `throws: ${first.message}` : `invalid: ${first.diagnostics.find((d) => d.severity === 'error')?.code}`;
    console.log(`| ${n.toLocaleString('en')} | ${kb(text.length)} | ${why} | ${median(validates).toFixed(1)} ms | – | – | – |`);
    continue;
  }
  const planJson = first.planJson;
  for (let i = 0; i < WARMUP; i++) {
    binding.plan(text, options);
    binding.validate(text, options);
    JSON.parse(planJson);
  }
  const plans = [];
  const validates = [];
  const parses = [];
  for (let i = 0; i < RUNS; i++) {
    // alternate the order so neither call always runs right after the other's garbage
    // what Topology.fromString pays: the call, then JSON.parse of its plan text
    const a = () => plans.push(time(() => JSON.parse(binding.plan(text, options).planJson))[0]);
    const b = () => validates.push(time(() => binding.validate(text, options))[0]);
    if (i % 2) {
      b();
      a();
    } else {
      a();
      b();
    }
    parses.push(time(() => JSON.parse(planJson))[0]);
  }
  const p = median(plans);
  const v = median(validates);
  console.log(
    `| ${n.toLocaleString('en')} | ${kb(text.length)} | ${p.toFixed(1)} ms (${Math.min(...plans).toFixed(1)}–${Math.max(...plans).toFixed(1)}) ` +
      `| ${v.toFixed(1)} ms | ${(p - v).toFixed(1)} ms (${((100 * (p - v)) / p).toFixed(0)}%) | ${kb(planJson.length)} | ${median(parses).toFixed(1)} ms |`,
  );
}
