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
