// The streaming handler against a mocked Bedrock client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHandler } from '../lambda/bedrock-stream/index.mjs';

const MODEL = 'anthropic.claude-3-sonnet-20240229-v1:0';
const env = { ALLOWED_MODELS: `${MODEL},amazon.titan-text-express-v1` };
const encode = (o) => ({ chunk: { bytes: new TextEncoder().encode(JSON.stringify(o)) } });

function collector() {
  const parts = [];
  return {
    parts,
    ended: false,
    write(t) {
      parts.push(t);
    },
    end() {
      this.ended = true;
    },
  };
}

function fakeBedrock(events) {
  const sent = [];
  class Command {
    constructor(input) {
      this.input = input;
    }
  }
  const send = async (command) => {
    sent.push(command.input);
    return {
      body: (async function* () {
        for (const e of events) yield e;
      })(),
    };
  };
  return { deps: { send, Command }, sent };
}

test('streams the model text in order and ends the stream', async () => {
  const { deps, sent } = fakeBedrock([
    encode({ type: 'message_start' }),
    encode({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'Hello' } }),
    encode({ type: 'content_block_delta', delta: { type: 'text_delta', text: ', world' } }),
    encode({ type: 'message_stop' }),
  ]);
  const out = collector();
  await makeHandler(deps, env)({ prompt: 'Say hello', maxTokens: 50 }, out);
  assert.deepEqual(out.parts, ['Hello', ', world']);
  assert.equal(out.ended, true);
  assert.equal(sent[0].modelId, MODEL);
  const body = JSON.parse(sent[0].body);
  assert.equal(body.max_tokens, 50);
  assert.equal(body.messages[0].content[0].text, 'Say hello');
});

test('reads a function-URL style JSON body and Titan chunks', async () => {
  const { deps, sent } = fakeBedrock([encode({ outputText: 'titan says hi' })]);
  const out = collector();
  await makeHandler(deps, env)({ body: JSON.stringify({ prompt: 'hi', modelId: 'amazon.titan-text-express-v1' }) }, out);
  assert.deepEqual(out.parts, ['titan says hi']);
  assert.equal(JSON.parse(sent[0].body).inputText, 'hi');
});

test('refuses a model that is not listed, without calling Bedrock', async () => {
  const { deps, sent } = fakeBedrock([]);
  const out = collector();
  await makeHandler(deps, env)({ prompt: 'x', modelId: 'meta.llama3-70b-instruct-v1:0' }, out);
  assert.equal(sent.length, 0);
  assert.match(out.parts.join(''), /bad request: model `meta\.llama3-70b-instruct-v1:0` is not one of the listed models/);
  assert.equal(out.ended, true);
});

test('refuses a missing prompt', async () => {
  const { deps, sent } = fakeBedrock([]);
  const out = collector();
  await makeHandler(deps, env)({}, out);
  assert.equal(sent.length, 0);
  assert.match(out.parts.join(''), /`prompt` \(a non-empty string\) is required/);
});

test('a stream error from Bedrock is reported and the stream still ends', async () => {
  const { deps } = fakeBedrock([
    encode({ type: 'content_block_delta', delta: { text: 'partial' } }),
    { throttlingException: { message: 'slow down' } },
  ]);
  const out = collector();
  await makeHandler(deps, env)({ prompt: 'x' }, out);
  assert.equal(out.parts[0], 'partial');
  assert.match(out.parts[1], /\[error\] throttlingException: slow down/);
  assert.equal(out.ended, true);
});

test('a failed call is reported, not thrown', async () => {
  const deps = {
    send: async () => {
      throw new Error('AccessDeniedException: not allowed');
    },
    Command: class {
      constructor(i) {
        this.input = i;
      }
    },
  };
  const out = collector();
  await makeHandler(deps, env)({ prompt: 'x' }, out);
  assert.match(out.parts.join(''), /\[error\] AccessDeniedException/);
  assert.equal(out.ended, true);
});

// The reference sample's own request (aws-samples/multi-account-bedrock-llm-streaming,
// advance-setup-privatelink-vpc/app-team-notebook-ap-southeast-1-private.ipynb):
// `{modelId, body}` with the Anthropic Messages body, passed through unchanged.
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

test("the sample's {modelId, body} goes to Bedrock unchanged and streams as before", async () => {
  const { deps, sent } = fakeBedrock([
    encode({ type: 'message_start', message: { role: 'assistant' } }),
    encode({ type: 'content_block_start', index: 0 }),
    encode({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'AWS is' } }),
    encode({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' a cloud.' } }),
    encode({ type: 'message_delta', delta: { stop_reason: 'end_turn' } }),
    encode({ type: 'message_stop' }),
  ]);
  const out = collector();
  await makeHandler(deps, env)(structuredClone(SAMPLE_PAYLOAD), out);
  assert.deepEqual(out.parts, ['AWS is', ' a cloud.']);
  assert.equal(out.ended, true);
  assert.deepEqual(sent, [
    { modelId: MODEL, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(SAMPLE_PAYLOAD.body) },
  ]);
});

test('a system prompt and a multi-turn conversation are kept, and a JSON-text body is sent as it is', async () => {
  const body = {
    anthropic_version: 'bedrock-2023-05-31',
    system: 'You answer in one sentence.',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'What is a VPC?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'A private network in AWS.' }] },
      { role: 'user', content: [{ type: 'text', text: 'And a transit gateway?' }] },
    ],
    max_tokens: 200,
    temperature: 0.5,
    top_p: 0.95,
  };
  const { deps, sent } = fakeBedrock([encode({ type: 'content_block_delta', delta: { text: 'A hub.' } })]);
  const out = collector();
  await makeHandler(deps, env)({ modelId: MODEL, body }, out);
  assert.deepEqual(JSON.parse(sent[0].body), body);
  assert.deepEqual(out.parts, ['A hub.']);

  const text = JSON.stringify(body, null, 2);
  const second = fakeBedrock([]);
  await makeHandler(second.deps, env)({ modelId: MODEL, body: text }, collector());
  assert.equal(second.sent[0].body, text);
});

test('Titan and Llama native bodies pass through; their chunks stream as text', async () => {
  const titanModel = 'amazon.titan-text-express-v1';
  const llamaModel = 'meta.llama3-8b-instruct-v1:0';
  const envAll = { ALLOWED_MODELS: [MODEL, titanModel, llamaModel].join(',') };
  // https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-text.html
  const titanBody = {
    inputText: 'User: What is AWS?\nBot:',
    textGenerationConfig: { maxTokenCount: 300, temperature: 0.1, topP: 0.9, stopSequences: [] },
  };
  const titan = fakeBedrock([
    encode({ outputText: 'AWS is', index: 0 }),
    encode({ outputText: ' a cloud.', index: 0, completionReason: 'FINISH' }),
  ]);
  const titanOut = collector();
  await makeHandler(titan.deps, envAll)({ modelId: titanModel, body: titanBody }, titanOut);
  assert.equal(titan.sent[0].modelId, titanModel);
  assert.deepEqual(JSON.parse(titan.sent[0].body), titanBody);
  assert.deepEqual(titanOut.parts, ['AWS is', ' a cloud.']);

  // https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-meta.html
  const llamaBody = {
    prompt:
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\nWhat is AWS?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n',
    max_gen_len: 300,
    temperature: 0.1,
    top_p: 0.9,
  };
  const llama = fakeBedrock([
    encode({ generation: 'AWS is', prompt_token_count: 12, generation_token_count: 2, stop_reason: null }),
    encode({ generation: ' a cloud.', generation_token_count: 5, stop_reason: 'stop' }),
  ]);
  const llamaOut = collector();
  await makeHandler(llama.deps, envAll)({ modelId: llamaModel, body: llamaBody }, llamaOut);
  assert.deepEqual(JSON.parse(llama.sent[0].body), llamaBody);
  assert.deepEqual(llamaOut.parts, ['AWS is', ' a cloud.']);

  // the short form builds Llama's body for a Llama model
  const short = fakeBedrock([]);
  await makeHandler(short.deps, envAll)({ prompt: 'hi', modelId: llamaModel, maxTokens: 10 }, collector());
  assert.deepEqual(JSON.parse(short.sent[0].body), { prompt: 'hi', max_gen_len: 10 });
});

test("the sample's payload for a model or inference profile not listed is refused without calling Bedrock", async () => {
  for (const modelId of ['anthropic.claude-3-haiku-20240307-v1:0', 'us.anthropic.claude-3-sonnet-20240229-v1:0']) {
    const { deps, sent } = fakeBedrock([]);
    const out = collector();
    await makeHandler(deps, env)({ ...SAMPLE_PAYLOAD, modelId }, out);
    assert.equal(sent.length, 0);
    assert.equal(
      out.parts.join(''),
      `\n[error] bad request: model \`${modelId}\` is not one of the listed models: ${env.ALLOWED_MODELS.split(',').join(', ')}\n`,
    );
    assert.equal(out.ended, true);
  }
});

test('a listed inference profile is invoked with the native body', async () => {
  const profile = 'us.anthropic.claude-3-5-sonnet-20240620-v1:0';
  const { deps, sent } = fakeBedrock([encode({ type: 'content_block_delta', delta: { text: 'ok' } })]);
  await makeHandler(deps, { ALLOWED_MODELS: profile })({ modelId: profile, body: SAMPLE_PAYLOAD.body }, collector());
  assert.equal(sent[0].modelId, profile);
});

test('a function URL request carries the sample payload in its HTTP body', async () => {
  const { deps, sent } = fakeBedrock([]);
  const event = {
    requestContext: { http: { method: 'POST' } },
    isBase64Encoded: true,
    body: Buffer.from(JSON.stringify(SAMPLE_PAYLOAD)).toString('base64'),
  };
  await makeHandler(deps, env)(event, collector());
  assert.deepEqual(JSON.parse(sent[0].body), SAMPLE_PAYLOAD.body);
});

test('a body that is not a JSON object is refused', async () => {
  for (const body of [[1, 2], 'not json', '"a string"', null, 42]) {
    const { deps, sent } = fakeBedrock([]);
    const out = collector();
    await makeHandler(deps, env)({ modelId: MODEL, body }, out);
    assert.equal(sent.length, 0, JSON.stringify(body));
    assert.match(out.parts.join(''), /\[error\] bad request: `body`/);
  }
});
