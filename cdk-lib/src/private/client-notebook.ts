// The reference sample's client, shipped: a Jupyter notebook that assumes the
// ML account's invoker role through the regional STS endpoint and streams the
// Bedrock function's reply (aws-samples/multi-account-bedrock-llm-streaming,
// advance-setup-privatelink-vpc/app-team-notebook-ap-southeast-1-private.ipynb),
// and the lifecycle script that writes it into the notebook instance. Every
// value in it comes from the plan; nothing here names an account or region.

/** The plan's facts the notebook needs. */
export interface ClientNotebookFacts {
  /** The topology's name, for the notebook's header. */
  readonly topology: string;
  /** The ML account's invoker role. */
  readonly invokerRoleArn: string;
  /** `sts:ExternalId` the invoker role's trust requires, if any. */
  readonly externalId?: string;
  /** The streaming function's ARN and region. */
  readonly functionArn: string;
  readonly functionRegion: string;
  /** The STS endpoint of the function's region, as the planned DNS answers it privately. */
  readonly stsEndpointUrl: string;
  /** The model the example request names (the first of `bedrock.models`). */
  readonly modelId: string;
}

/** Where the notebook goes: the instance's persistent volume, which Jupyter serves. */
export const NOTEBOOK_PATH = '/home/ec2-user/SageMaker/linkplan-bedrock-client.ipynb';

/**
 * SageMaker takes each lifecycle script base64-encoded, at most 16,384
 * characters (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_NotebookInstanceLifecycleHook.html).
 */
const MAX_SCRIPT_CHARS = 16_384;

/** The notebook (nbformat 4) as JSON text. */
export function clientNotebook(facts: ClientNotebookFacts): string {
  // a JSON string literal is a Python string literal (the same escapes, \uXXXX included)
  const py = (value: string) => JSON.stringify(value);
  const lines = (text: string) => text.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l));
  const markdown = (text: string) => ({ cell_type: 'markdown', metadata: {}, source: lines(text) });
  const code = (text: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(text) });
  const externalId = facts.externalId ? `,\n    ExternalId=${py(facts.externalId)}` : '';
  const cells = [
    markdown(
      [
        `# The Bedrock client of \`${facts.topology}\``,
        '',
        "Assumes the ML account's invoker role through the regional STS endpoint of the function's region",
        "and streams the Bedrock function's reply, as the reference sample's notebook does. Every value below",
        'comes from the Linkplan plan. Linkplan rewrites this file at each start of the notebook instance:',
        'copy it to keep your changes.',
      ].join('\n'),
    ),
    code(
      [
        'import codecs',
        'import json',
        'import boto3',
        '',
        '# from the plan',
        `INVOKER_ROLE_ARN = ${py(facts.invokerRoleArn)}`,
        `FUNCTION_ARN = ${py(facts.functionArn)}`,
        `FUNCTION_REGION = ${py(facts.functionRegion)}`,
        '# the regional endpoint; the planned endpoint answers it privately from this VPC',
        `STS_ENDPOINT_URL = ${py(facts.stsEndpointUrl)}`,
        `MODEL_ID = ${py(facts.modelId)}`,
      ].join('\n'),
    ),
    code(
      [
        "sts_client = boto3.client('sts', region_name=FUNCTION_REGION, endpoint_url=STS_ENDPOINT_URL)",
        'assumed_role_object = sts_client.assume_role(',
        '    RoleArn=INVOKER_ROLE_ARN,',
        `    RoleSessionName='linkplan-notebook'${externalId},`,
        ')',
        "credentials = assumed_role_object['Credentials']",
        'assumed_role_session = boto3.Session(',
        "    aws_access_key_id=credentials['AccessKeyId'],",
        "    aws_secret_access_key=credentials['SecretAccessKey'],",
        "    aws_session_token=credentials['SessionToken'],",
        ')',
        "lambda_client = assumed_role_session.client('lambda', region_name=FUNCTION_REGION)",
      ].join('\n'),
    ),
    code(
      [
        'def invoke_lambda_with_response_stream(function_name, payload, lambda_client):',
        '    response = lambda_client.invoke_with_response_stream(',
        '        FunctionName=function_name,',
        '        Payload=json.dumps(payload)',
        '    )',
        '    # a character may be split across chunks: decode the stream, not each chunk',
        "    decoder = codecs.getincrementaldecoder('utf-8')()",
        "    for event in response['EventStream']:",
        "        if 'PayloadChunk' in event:",
        "            chunk = decoder.decode(event['PayloadChunk']['Payload'])",
        "            print(chunk, end='', flush=True)",
        "        elif 'InvokeComplete' in event:",
        "            if 'ErrorCode' in event['InvokeComplete']:",
        "                error_code = event['InvokeComplete']['ErrorCode']",
        "                error_details = event['InvokeComplete'].get('ErrorDetails', '')",
        '                print(f"\\nError: {error_code} - {error_details}")',
        '            else:',
        '                print("\\nInvocation completed successfully.")',
      ].join('\n'),
    ),
    markdown(
      "The request is the sample's: `{modelId, body}` with the model's native body, passed to Bedrock unchanged\n" +
        '(docs/cdk.md, "The Bedrock function\'s request"); `{"prompt": "..."}` is the short form.',
    ),
    code(examplePayload(facts.modelId)),
    code('invoke_lambda_with_response_stream(FUNCTION_ARN, payload, lambda_client)'),
  ];
  const notebook = {
    cells,
    metadata: {
      kernelspec: { display_name: 'conda_python3', language: 'python', name: 'conda_python3' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

/** The example request: the sample's Anthropic Messages body, or the short form for another family. */
function examplePayload(modelId: string): string {
  if (modelId.startsWith('anthropic.') || modelId.includes('.anthropic.')) {
    return [
      'messages = [',
      '  {"role": "user", "content": "What is AWS?"},',
      ']',
      '',
      'payload_body = {',
      '    "anthropic_version": "bedrock-2023-05-31",',
      '    "system": "You answer in a few sentences.",',
      '    "messages": messages,',
      '    "max_tokens": 300,',
      '    "temperature": 0.1,',
      '    "top_p": 0.9}',
      '',
      "payload = {'modelId': MODEL_ID, 'body': payload_body}",
    ].join('\n');
  }
  return "payload = {'modelId': MODEL_ID, 'prompt': 'What is AWS?', 'maxTokens': 300}";
}

/**
 * The lifecycle script (run as root at each start, before Jupyter serves;
 * https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-lifecycle-config.html)
 * that writes the notebook, owned by the notebook's user, base64-encoded as
 * `OnStart` takes it.
 */
export function clientNotebookOnStart(facts: ClientNotebookFacts): string {
  const notebook = clientNotebook(facts);
  const delimiter = 'LINKPLAN_NOTEBOOK_END';
  if (notebook.includes(delimiter)) throw new Error(`the client notebook holds its own delimiter ${delimiter}`);
  const script = [
    '#!/bin/bash',
    `# Linkplan: the Bedrock client notebook of ${facts.topology}, from the plan, rewritten at each start`,
    'set -euo pipefail',
    `install -d -o ec2-user -g ec2-user "$(dirname ${NOTEBOOK_PATH})"`,
    `cat > ${NOTEBOOK_PATH} <<'${delimiter}'`,
    notebook.trimEnd(),
    delimiter,
    `chown ec2-user:ec2-user ${NOTEBOOK_PATH}`,
    '',
  ].join('\n');
  const encoded = Buffer.from(script, 'utf8').toString('base64');
  if (encoded.length > MAX_SCRIPT_CHARS) {
    throw new Error(
      `the client notebook's lifecycle script is ${encoded.length} characters base64-encoded; SageMaker takes at most ${MAX_SCRIPT_CHARS}`,
    );
  }
  return encoded;
}
