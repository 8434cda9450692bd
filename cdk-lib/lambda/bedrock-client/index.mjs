// The application account's client of the Bedrock streaming function: it
// assumes the ML account's invoker role through the regional STS endpoint
// (reached privately over the planned network), invokes the function with
// response streaming and streams each chunk on to its own caller as it
// arrives (Lambda response streaming: call this function with
// InvokeWithResponseStream, https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html).
//
// The request is the Bedrock function's, forwarded unchanged: the sample's
// `{modelId, body}` or the short `{prompt, modelId?, maxTokens?}`
// (docs/cdk.md, "The Bedrock function's request"). A refused request or a
// failed invocation is one `[error] …` line in the stream, as the Bedrock
// function reports its own.
//
// Environment (all from the plan): INVOKER_ROLE_ARN, FUNCTION_ARN,
// TARGET_REGION (the ML function's region; STS and Lambda are called there),
// STS_ENDPOINT_URL (that region's STS endpoint), EXTERNAL_ID (when the
// invoker role's trust requires one).

/**
 * The handler with its AWS clients injected (tests pass fakes):
 * `deps.assumeRole(input)` → `{Credentials}`, `deps.invokeStream(credentials, input)`
 * → `{EventStream}` (async iterable of `{PayloadChunk: {Payload}}`, `{InvokeComplete}`).
 * `responseStream` is Lambda's writable response stream.
 */
export function makeHandler(deps, env = process.env) {
  return async (event, responseStream) => {
    try {
      if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        responseStream.write('\n[error] bad request: the request is a JSON object: {modelId, body} or {prompt}\n');
        return;
      }
      const assumed = await deps.assumeRole({
        RoleArn: env.INVOKER_ROLE_ARN,
        RoleSessionName: `linkplan-${Date.now()}`.slice(0, 64),
        DurationSeconds: 900,
        ...(env.EXTERNAL_ID ? { ExternalId: env.EXTERNAL_ID } : {}),
      });
      const response = await deps.invokeStream(assumed.Credentials, {
        FunctionName: env.FUNCTION_ARN,
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      });
      for await (const item of response.EventStream) {
        // the bytes as they come: a character split across chunks is whole again at the caller
        if (item.PayloadChunk?.Payload) responseStream.write(item.PayloadChunk.Payload);
        if (item.InvokeComplete?.ErrorCode) {
          const { ErrorCode, ErrorDetails } = item.InvokeComplete;
          responseStream.write(`\n[error] the Bedrock function failed: ${`${ErrorCode} ${ErrorDetails ?? ''}`.trim()}\n`);
        }
      }
    } catch (err) {
      // the status line is already sent once streaming began: report in band
      responseStream.write(`\n[error] ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}\n`);
    } finally {
      responseStream.end();
    }
  };
}

/** The AWS SDK v3 clients of the Lambda runtime, on the target region's regional endpoints. */
async function sdkDeps(env) {
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const { LambdaClient, InvokeWithResponseStreamCommand } = await import('@aws-sdk/client-lambda');
  const region = env.TARGET_REGION;
  const sts = new STSClient({ region, endpoint: env.STS_ENDPOINT_URL || `https://sts.${region}.amazonaws.com` });
  return {
    assumeRole: (input) => sts.send(new AssumeRoleCommand(input)),
    invokeStream: (c, input) => {
      const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
      return new LambdaClient({ region, credentials }).send(new InvokeWithResponseStreamCommand(input));
    },
  };
}

// the Node.js runtime's global (https://docs.aws.amazon.com/lambda/latest/dg/response-streaming-tutorial.html)
const stream = globalThis.awslambda?.streamifyResponse ?? ((f) => f);
let cached;
export const handler = stream(async (event, responseStream) => {
  cached ??= makeHandler(await sdkDeps(process.env));
  return cached(event, responseStream);
});
