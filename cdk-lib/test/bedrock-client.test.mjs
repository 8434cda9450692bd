// The application-side client: assume the invoker role, invoke with response
// streaming, and stream each chunk on to the caller as it arrives, against a
// mocked upstream (STS and the Bedrock function).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHandler } from '../lambda/bedrock-client/index.mjs';

const env = {
  INVOKER_ROLE_ARN: 'arn:aws:iam::111111111111:role/t-bedrock-invoker',
  FUNCTION_ARN: 'arn:aws:lambda:us-east-1:111111111111:function:t-bedrock-stream',
  TARGET_REGION: 'us-east-1',
  STS_ENDPOINT_URL: 'https://sts.us-east-1.amazonaws.com',
};
const bytes = (s) => new TextEncoder().encode(s);

/** Lambda's response stream, recording each write and the end. */
function responseStream() {
  const writes = [];
  return {
    writes,
    ended: false,
    write(chunk) {
      writes.push(typeof chunk === 'string' ? bytes(chunk) : chunk);
    },
    end() {
      this.ended = true;
    },
    text() {
      return new TextDecoder().decode(Buffer.concat(writes));
    },
  };
}

/** STS and the streaming function; `events` may hold a promise to wait on before the next event. */
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
          for (const e of events) {
            if (e instanceof Promise) await e;
            else yield e;
          }
        })(),
      };
    },
  };
  return { deps, calls };
}

const SAMPLE_PAYLOAD = {
  modelId: 'anthropic.claude-3-sonnet-20240229-v1:0',
  body: {
    anthropic_version: 'bedrock-2023-05-31',
    messages: [{ role: 'user', content: 'What is AWS?' }],
    max_tokens: 300,
    temperature: 0.1,
    top_p: 0.9,
  },
};

test('streams each chunk to the caller before the upstream has finished', async () => {
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  const { deps, calls } = fakes([
    { PayloadChunk: { Payload: bytes('Hello ') } },
    gate,
    { PayloadChunk: { Payload: bytes('world') } },
    { InvokeComplete: {} },
  ]);
  const out = responseStream();
  const done = makeHandler(deps, env)(structuredClone(SAMPLE_PAYLOAD), out);
  // the first chunk reaches the caller while the upstream still holds the rest
  for (let i = 0; i < 20 && out.writes.length === 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(out.text(), 'Hello ');
  assert.equal(out.ended, false);
  release();
  await done;
  assert.equal(out.text(), 'Hello world');
  assert.equal(out.ended, true);
  // the planned role, through the planned STS endpoint's region; the request forwarded unchanged
  assert.equal(calls.assume[0].RoleArn, env.INVOKER_ROLE_ARN);
  assert.equal(calls.assume[0].ExternalId, undefined);
  assert.equal(calls.invoke[0].credentials.SessionToken, 'ST');
  assert.equal(calls.invoke[0].input.FunctionName, env.FUNCTION_ARN);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(calls.invoke[0].input.Payload)), SAMPLE_PAYLOAD);
});

test('a multi-byte character split across chunks arrives whole, and the short form is forwarded', async () => {
  const euro = bytes('€');
  const { deps, calls } = fakes([
    { PayloadChunk: { Payload: euro.slice(0, 1) } },
    { PayloadChunk: { Payload: euro.slice(1) } },
    { InvokeComplete: {} },
  ]);
  const out = responseStream();
  await makeHandler(deps, env)({ prompt: 'hi', maxTokens: 10 }, out);
  assert.equal(out.text(), '€');
  assert.deepEqual(JSON.parse(new TextDecoder().decode(calls.invoke[0].input.Payload)), { prompt: 'hi', maxTokens: 10 });
});

test("the invoker role's external ID is sent when the plan requires one", async () => {
  const { deps, calls } = fakes([{ InvokeComplete: {} }]);
  await makeHandler(deps, { ...env, EXTERNAL_ID: 't-ml' })({ prompt: 'hi' }, responseStream());
  assert.equal(calls.assume[0].ExternalId, 't-ml');
});

test('a failed invocation is reported in the stream after the text already sent', async () => {
  const { deps } = fakes([
    { PayloadChunk: { Payload: bytes('partial') } },
    { InvokeComplete: { ErrorCode: 'Unhandled', ErrorDetails: 'boom' } },
  ]);
  const out = responseStream();
  await makeHandler(deps, env)({ prompt: 'hi' }, out);
  assert.equal(out.text(), 'partial\n[error] the Bedrock function failed: Unhandled boom\n');
  assert.equal(out.ended, true);
});

test('a refused AssumeRole is reported in the stream, and the stream ends', async () => {
  const deps = {
    assumeRole: async () => {
      const err = new Error('not authorized to perform: sts:AssumeRole');
      err.name = 'AccessDenied';
      throw err;
    },
    invokeStream: async () => assert.fail('must not invoke'),
  };
  const out = responseStream();
  await makeHandler(deps, env)({ prompt: 'hi' }, out);
  assert.equal(out.text(), '\n[error] AccessDenied: not authorized to perform: sts:AssumeRole\n');
  assert.equal(out.ended, true);
});

test('a request that is not a JSON object is refused before any call', async () => {
  const { deps, calls } = fakes([]);
  const out = responseStream();
  await makeHandler(deps, env)('hi', out);
  assert.match(out.text(), /^\n\[error\] bad request: /);
  assert.equal(calls.assume.length, 0);
  assert.equal(out.ended, true);
});
