// The ML account's streaming function: invokes a listed Bedrock model with
// InvokeModelWithResponseStream and streams the generated text back to the
// caller as it arrives (Lambda response streaming).
//
// Two request forms (docs/cdk.md, "The Bedrock function's request"):
//   - the reference sample's: `{modelId, body}`, `body` the model's native
//     request body (Anthropic Messages, Amazon Titan text, Meta Llama…), sent
//     to Bedrock unchanged;
//   - the short form: `{prompt, modelId?, maxTokens?}`, one user turn.
// Either may come as the invocation payload itself or, through a function
// URL, as the JSON text of the HTTP body.
//
// Environment: ALLOWED_MODELS (comma-separated model or inference profile
// IDs, the plan's `bedrock.models`), DEFAULT_MODEL (optional). The function's
// role may invoke exactly these; the check here gives the caller a clear
// error instead of an AccessDenied from Bedrock.

const MAX_PROMPT_CHARS = 100_000;
// a native body is passed through as it is; this bounds what one call may
// send (InvokeModel's own limit is the model's context, checked by Bedrock)
const MAX_BODY_BYTES = 1_000_000;
const DEFAULT_MAX_TOKENS = 1024;

/** Builds the request body for the model family. */
export function requestBody(modelId, prompt, maxTokens) {
  if (modelId.startsWith('anthropic.') || modelId.includes('.anthropic.')) {
    return {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: maxTokens,
      messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
    };
  }
  // Meta Llama: a prompt and max_gen_len
  // (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-meta.html)
  if (modelId.startsWith('meta.') || modelId.includes('.meta.')) {
    return { prompt, max_gen_len: maxTokens };
  }
  // Amazon Titan and others take a plain input text
  return { inputText: prompt, textGenerationConfig: { maxTokenCount: maxTokens } };
}

/**
 * The text of one streamed chunk, whatever the model family: Anthropic's
 * `content_block_delta` (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html),
 * Titan's `outputText` (…/model-parameters-titan-text.html), Llama's
 * `generation` (…/model-parameters-meta.html).
 */
export function chunkText(payload) {
  if (payload.type === 'content_block_delta') return payload.delta?.text ?? '';
  if (typeof payload.outputText === 'string') return payload.outputText;
  if (typeof payload.generation === 'string') return payload.generation;
  return '';
}

/**
 * The handler, with its Bedrock dependencies injected (tests pass fakes).
 * `deps.send(command)` sends a command; `deps.Command` builds the
 * InvokeModelWithResponseStream command.
 */
export function makeHandler(deps, env = process.env) {
  const allowed = (env.ALLOWED_MODELS ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  return async (event, responseStream) => {
    const write = (text) => responseStream.write(text);
    try {
      const { modelId, body } = invocation(requestOf(event), env, allowed);
      const response = await deps.send(new deps.Command({ modelId, contentType: 'application/json', accept: 'application/json', body }));
      const decoder = new TextDecoder();
      for await (const event of response.body) {
        if (event.chunk?.bytes) {
          const text = chunkText(JSON.parse(decoder.decode(event.chunk.bytes)));
          if (text) write(text);
        } else {
          const failure = Object.keys(event).find((k) => k.endsWith('Exception'));
          if (failure) throw new Error(`${failure}: ${event[failure]?.message ?? 'stream failed'}`);
        }
      }
    } catch (err) {
      // the status line is already sent once streaming began: report in band
      write(`\n[error] ${err instanceof RequestError ? 'bad request: ' : ''}${err.message}\n`);
    } finally {
      responseStream.end();
    }
  };
}

export class RequestError extends Error {}

/**
 * The request of an invocation: the payload itself, or the JSON text of an
 * HTTP body. A function URL event has `requestContext.http`
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads);
 * a string `body` with neither `modelId` nor `prompt` beside it is read the
 * same way (the short form's HTTP wrapping), while the sample's `{modelId,
 * body}` always names its model.
 */
export function requestOf(event) {
  const wrapped =
    typeof event?.body === 'string' && (event.requestContext?.http || (event.modelId === undefined && event.prompt === undefined));
  if (wrapped) {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    try {
      return JSON.parse(text);
    } catch {
      throw new RequestError('the HTTP body is not JSON');
    }
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new RequestError('the request is a JSON object: {modelId, body} or {prompt}');
  }
  return event;
}

/**
 * What to send to InvokeModelWithResponseStream: the model (checked against
 * the allowed list) and the body text. `body` (the sample's form) wins over
 * `prompt`; it is an object, or its JSON text, passed through unchanged.
 */
export function invocation(request, env, allowed) {
  const modelId = request.modelId ?? env.DEFAULT_MODEL ?? allowed[0];
  if (typeof modelId !== 'string' || !allowed.includes(modelId)) {
    throw new RequestError(`model \`${modelId}\` is not one of the listed models: ${allowed.join(', ')}`);
  }
  if (request.body !== undefined) {
    return { modelId, body: nativeBody(request.body) };
  }
  const prompt = request.prompt;
  if (typeof prompt !== 'string' || prompt.length === 0) {
    throw new RequestError("`body` (the model's native request) or `prompt` (a non-empty string) is required");
  }
  if (prompt.length > MAX_PROMPT_CHARS) {
    throw new RequestError(`\`prompt\` is ${prompt.length} characters; at most ${MAX_PROMPT_CHARS}`);
  }
  const maxTokens = Number.isInteger(request.maxTokens) && request.maxTokens > 0 ? request.maxTokens : DEFAULT_MAX_TOKENS;
  return { modelId, body: JSON.stringify(requestBody(modelId, prompt, maxTokens)) };
}

/** A native body as the JSON text Bedrock takes: an object is serialized, a string must already be a JSON object. */
function nativeBody(body) {
  let text;
  if (typeof body === 'string') {
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new RequestError("`body` is a string that is not JSON; send the model's request body as an object");
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new RequestError("`body` is the model's request body, a JSON object");
    }
    text = body;
  } else if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    text = JSON.stringify(body);
  } else {
    throw new RequestError("`body` is the model's request body, a JSON object");
  }
  const size = Buffer.byteLength(text);
  if (size > MAX_BODY_BYTES) throw new RequestError(`\`body\` is ${size} bytes; at most ${MAX_BODY_BYTES}`);
  return text;
}

/** The deployed handler: the AWS SDK from the Lambda runtime, streamed. */
async function defaultDeps() {
  const { BedrockRuntimeClient, InvokeModelWithResponseStreamCommand } = await import('@aws-sdk/client-bedrock-runtime');
  const client = new BedrockRuntimeClient({});
  return { send: (c) => client.send(c), Command: InvokeModelWithResponseStreamCommand };
}

const stream = globalThis.awslambda?.streamifyResponse ?? ((f) => f);
let deployed;
export const handler = stream(async (event, responseStream) => {
  deployed ??= makeHandler(await defaultDeps());
  return deployed(event, responseStream);
});
