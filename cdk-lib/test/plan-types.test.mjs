// src/plan.ts, the plan's TypeScript types, is generated from the core's
// committed schema: regenerated now it must come out the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generate } from '../scripts/plan-types.mjs';

test('src/plan.ts is what json-schema-to-typescript makes of core/schema/plan.schema.json', async () => {
  const committed = readFileSync(new URL('../src/plan.ts', import.meta.url), 'utf8');
  assert.ok(committed === (await generate()), 'cdk-lib/src/plan.ts is stale: run `npm run plan-types -w cdk-lib` and commit it');
});

test('the generated types are a jsii API: readonly structs and enums, no literal unions or type aliases', () => {
  const ts = readFileSync(new URL('../src/plan.ts', import.meta.url), 'utf8');
  assert.doesNotMatch(ts, /^export type /m, 'no type aliases');
  assert.doesNotMatch(ts, /: '[^']*' \|/, 'no literal unions');
  const props = ts.split('\n').filter((l) => /^ {2}\w+\??: /.test(l));
  assert.deepEqual(props, [], 'every property is readonly');
  assert.match(ts, /export enum StackRole \{\n {2}NETWORK = 'network'/);
});
