// The ML account's streaming function: invokes a listed Bedrock model with
// InvokeModelWithResponseStream and streams the generated text back to the
// caller as it arrives (Lambda response streaming).
//
// Environment: ALLOWED_MODELS (comma-separated model IDs, from the plan),
// DEFAULT_MODEL (optional). The function's role may invoke exactly these
// models; the check here gives the caller a clear error instead of an
// AccessDenied from Bedrock.

const MAX_PROMPT_CHARS = 100_000;
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
  // Amazon Titan and others take a plain input text
  return { inputText: prompt, textGenerationConfig: { maxTokenCount: maxTokens } };
}

/** The text of one streamed chunk, whatever the model family. */
export function chunkText(payload) {
  if (payload.type === 'content_block_delta') return payload.delta?.text ?? '';
  if (typeof payload.outputText === 'string') return payload.outputText;
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
      const request = typeof event?.body === 'string' ? JSON.parse(event.body) : (event ?? {});
      const prompt = request.prompt;
      if (typeof prompt !== 'string' || prompt.length === 0) {
        throw new RequestError('`prompt` (a non-empty string) is required');
      }
      if (prompt.length > MAX_PROMPT_CHARS) {
        throw new RequestError(`\`prompt\` is ${prompt.length} characters; at most ${MAX_PROMPT_CHARS}`);
      }
      const modelId = request.modelId ?? env.DEFAULT_MODEL ?? allowed[0];
      if (!allowed.includes(modelId)) {
        throw new RequestError(`model \`${modelId}\` is not one of the listed models: ${allowed.join(', ')}`);
      }
      const maxTokens = Number.isInteger(request.maxTokens) && request.maxTokens > 0 ? request.maxTokens : DEFAULT_MAX_TOKENS;
      const response = await deps.send(
        new deps.Command({
          modelId,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify(requestBody(modelId, prompt, maxTokens)),
        }),
      );
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
