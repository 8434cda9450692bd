// The application-side client: assume the invoker role, stream, collect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHandler } from '../lambda/bedrock-client/index.mjs';

const env = {
  INVOKER_ROLE_ARN: 'arn:aws:iam::111111111111:role/t-bedrock-invoker',
  FUNCTION_ARN: 'arn:aws:lambda:us-east-1:111111111111:function:t-bedrock-stream',
  TARGET_REGION: 'us-east-1',
};
const bytes = (s) => new TextEncoder().encode(s);

function fakes(events) {
  const calls = { assume: [], invoke: [] };
  const deps = {
    assumeRole: async (input) => {
      calls.assume.push(input);
      return { Credentials: { AccessKeyId: 'AK', SecretAccessKey: 'SK', SessionToken: 'ST' } };
    },
    invokeStream: async (credentials, input) => {
      calls.invoke.push({ credentials, input });
      return {
        EventStream: (async function* () {
          for (const e of events) yield e;
        })(),
      };
    },
  };
  return { deps, calls };
}

test('assumes the planned invoker role and collects the streamed text', async () => {
  // a multi-byte character split across chunks must survive
  const euro = bytes('€');
  const { deps, calls } = fakes([
    { PayloadChunk: { Payload: bytes('Hello ') } },
    { PayloadChunk: { Payload: euro.slice(0, 1) } },
    { PayloadChunk: { Payload: euro.slice(1) } },
    { InvokeComplete: {} },
  ]);
  const out = await makeHandler(deps, env)({ prompt: 'hi' });
  assert.deepEqual(out, { statusCode: 200, body: 'Hello €' });
  assert.equal(calls.assume[0].RoleArn, env.INVOKER_ROLE_ARN);
  assert.equal(calls.invoke[0].credentials.SessionToken, 'ST');
  assert.equal(calls.invoke[0].input.FunctionName, env.FUNCTION_ARN);
  assert.equal(JSON.parse(new TextDecoder().decode(calls.invoke[0].input.Payload)).prompt, 'hi');
});

test('a failed invocation is reported, not returned as text', async () => {
  const { deps } = fakes([
    { PayloadChunk: { Payload: bytes('partial') } },
    { InvokeComplete: { ErrorCode: 'Unhandled', ErrorDetails: 'boom' } },
  ]);
  const out = await makeHandler(deps, env)({ prompt: 'hi' });
  assert.equal(out.statusCode, 502);
  assert.match(out.body, /Unhandled boom/);
});

test('a missing prompt is refused before any call', async () => {
  const { deps, calls } = fakes([]);
  const out = await makeHandler(deps, env)({});
  assert.equal(out.statusCode, 400);
  assert.equal(calls.assume.length, 0);
});
