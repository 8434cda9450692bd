// Reads of published values: grouped per producer stack, 32 values per read resource.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { topologyOf } from './support.mjs';

const require = createRequire(import.meta.url);
const { App, Stack, Token } = require('aws-cdk-lib');
const { Template } = require('aws-cdk-lib/assertions');
const { Exchange } = require('../lib/private/exchange.js');

const topology = topologyOf('bedrock-privatelink');
const parameter = (key) => `/linkplan/bedrock-privatelink/${key}`;

test('a stack reads up to 32 values per read resource from one producer, and a second producer gets its own', () => {
  const stack = new Stack(new App(), 'Reader', { env: { account: topology.plan.accounts.app, region: 'ap-southeast-1' } });
  const exchange = Exchange.of(stack, topology, 'bedrock-privatelink-app-ap-southeast-1-links');
  const network = 'bedrock-privatelink-app-us-east-1-network';
  const ml = 'bedrock-privatelink-ml-us-east-1-ml';
  const values = Array.from({ length: 40 }, (_, i) => exchange.get(parameter(`key${i}`), network));
  const fromMl = exchange.get(parameter('other'), ml);
  assert.equal(exchange.get(parameter('key3'), network), values[3], 'a value read twice is read once');
  assert.ok(values.every((v) => Token.isUnresolved(v)));

  const reads = Object.entries(Template.fromStack(stack).findResources('Custom::LinkplanRead'));
  const names = reads.map(([, r]) => r.Properties.Names.length).sort((a, b) => a - b);
  assert.deepEqual(names, [1, 8, 32]);
  const resolved = stack.resolve([...values, fromMl]);
  // every value is the V<i> of the read that lists its parameter at position i
  for (const [i, v] of resolved.entries()) {
    const [id, attr] = v['Fn::GetAtt'];
    const [, read] = reads.find(([rid]) => rid === id);
    const key = i < 40 ? `key${i}` : 'other';
    assert.equal(read.Properties.Names[Number(attr.slice(1))], `/linkplan/bedrock-privatelink/${key}`);
  }
  // across accounts the read assumes the producer's reader role; same account, it does not
  const mlRead = reads.find(([, r]) => r.Properties.Names.length === 1)[1];
  assert.match(mlRead.Properties.RoleArn, /^arn:aws:iam::111111111111:role\/bedrock-privatelink-ml-us-east-1-reader$/);
  assert.ok(
    reads
      .filter(([, r]) => r.Properties.Names.length > 1)
      .every(([, r]) => r.Properties.RoleArn === undefined && r.Properties.Region === 'us-east-1'),
  );
});
