// The application account's client of the Bedrock streaming function: it
// assumes the ML account's invoker role through the regional STS endpoint
// (reached privately over the planned network), invokes the function with
// response streaming and returns the collected text.
//
// Environment (all from the plan): INVOKER_ROLE_ARN, FUNCTION_ARN,
// TARGET_REGION (the ML function's region; STS and Lambda are called there,
// on their regional endpoints).

/**
 * The handler with its AWS clients injected (tests pass fakes):
 * `deps.assumeRole(input)` → `{Credentials}`, `deps.invokeStream(credentials, input)`
 * → `{EventStream}` (async iterable of `{PayloadChunk: {Payload}}`, `{InvokeComplete}`).
 */
export function makeHandler(deps, env = process.env) {
  return async (event) => {
    const prompt = event?.prompt;
    if (typeof prompt !== 'string' || prompt.length === 0) {
      return { statusCode: 400, body: '`prompt` (a non-empty string) is required' };
    }
    const assumed = await deps.assumeRole({
      RoleArn: env.INVOKER_ROLE_ARN,
      RoleSessionName: `linkplan-${Date.now()}`.slice(0, 64),
      DurationSeconds: 900,
    });
    const response = await deps.invokeStream(assumed.Credentials, {
      FunctionName: env.FUNCTION_ARN,
      Payload: new TextEncoder().encode(JSON.stringify({ prompt, modelId: event.modelId, maxTokens: event.maxTokens })),
    });
    const decoder = new TextDecoder();
    let text = '';
    for await (const item of response.EventStream) {
      if (item.PayloadChunk?.Payload) text += decoder.decode(item.PayloadChunk.Payload, { stream: true });
      if (item.InvokeComplete?.ErrorCode) {
        return {
          statusCode: 502,
          body: `the Bedrock function failed: ${item.InvokeComplete.ErrorCode} ${item.InvokeComplete.ErrorDetails ?? ''}`.trim(),
        };
      }
    }
    text += decoder.decode();
    return { statusCode: 200, body: text };
  };
}

/** The AWS SDK v3 clients of the Lambda runtime, on the target region's regional endpoints. */
async function sdkDeps(env) {
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const { LambdaClient, InvokeWithResponseStreamCommand } = await import('@aws-sdk/client-lambda');
  const region = env.TARGET_REGION;
  const sts = new STSClient({ region, endpoint: `https://sts.${region}.amazonaws.com` });
  return {
    assumeRole: (input) => sts.send(new AssumeRoleCommand(input)),
    invokeStream: (c, input) => {
      const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
      return new LambdaClient({ region, credentials }).send(new InvokeWithResponseStreamCommand(input));
    },
  };
}

let cached;
export const handler = async (event) => {
  cached ??= makeHandler(await sdkDeps(process.env));
  return cached(event);
};
