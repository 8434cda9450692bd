// The Bedrock client workloads wherever the plan proves them (issue 16,
// items 2 and 3): the seed's notebook and function in the us-east-1
// application VPC, which is a hub, beside those of the Singapore spoke; the
// notebooks IMDSv2-only, each with the shipped client notebook written by its
// lifecycle configuration from the plan. cdk-nag runs in synth; cfn-lint on
// every template.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, cfnLint, root } from './support.mjs';

const require = createRequire(import.meta.url);
const { Template, Match } = require('aws-cdk-lib/assertions');
const { Topology } = require('../lib/index.js');

// the Bedrock example with the seed's us-east-1 workloads in its hub `app-use1`,
// and the SageMaker endpoints a notebook there needs (LP031 otherwise)
const exampleText = readFileSync(join(root, 'examples/bedrock-privatelink/topology.yaml'), 'utf8');
const hubText = exampleText
  .replace('    share: [app-apse1]\n', '    share: [app-apse1]\n  - vpc: app-use1\n    services: [sagemaker.api, sagemaker.runtime]\n')
  .replace(
    'bedrock:\n',
    [
      '  - name: app-notebook-use1',
      '    vpc: app-use1',
      '    kind: notebook',
      '    needs: [sts@us-east-1, lambda@us-east-1]',
      '  - name: app-function-use1',
      '    vpc: app-use1',
      '    kind: lambda',
      '    needs: [sts@us-east-1, lambda@us-east-1]',
      'bedrock:\n',
    ].join('\n'),
  );
assert.notEqual(hubText, exampleText);
const topology = Topology.fromString(hubText);
const plan = topology.plan;

/** The workloads as the example app derives them: every `notebook`/`lambda` workload that calls the function, by VPC. */
function workloadsOf(p) {
  const out = {};
  for (const w of p.workloads) {
    if (!w.needs.includes(`lambda@${p.iam.bedrock.region}`)) continue;
    const built = (out[w.vpc] ??= {});
    if (w.kind === 'notebook') built.notebook = true;
    if (w.kind === 'lambda') built.function = true;
  }
  return out;
}

const workloads = workloadsOf(plan);
const { app, stacks } = buildApp(topology, { workloads });
const assembly = app.synth(); // throws on unacknowledged cdk-nag findings
const invoker = plan.iam.roles.find((r) => r.id === 'bedrock/invoker');
const fn = plan.iam.functions.find((f) => f.id === plan.iam.bedrock.function);

/** The shell script of a lifecycle config's OnStart, and the notebook it writes. */
function shippedNotebook(t) {
  const configs = Object.values(t.findResources('AWS::SageMaker::NotebookInstanceLifecycleConfig'));
  assert.equal(configs.length, 1);
  const script = Buffer.from(configs[0].Properties.OnStart[0].Content, 'base64').toString('utf8');
  const m = script.match(/<<'LINKPLAN_NOTEBOOK_END'\n([\s\S]*)\nLINKPLAN_NOTEBOOK_END\n/);
  assert.ok(m, script);
  return { script, notebook: JSON.parse(m[1]) };
}

test('the plan puts the seed workloads in the hub, and it has workload subnets for them', () => {
  assert.deepEqual(Object.keys(workloads).sort(), ['app-apse1', 'app-use1']);
  assert.deepEqual(workloads['app-use1'], { notebook: true, function: true });
  const hubStack = plan.stacks.find((s) => s.name === plan.vpcs['app-use1'].stack);
  assert.equal(hubStack.role, 'network');
  assert.ok(plan.vpcs['app-use1'].subnets.some((s) => s.tier === 'workload'));
});

test("a hub VPC's notebook and function are built in its network stack, IMDSv2 only", () => {
  const hub = Template.fromStack(stacks.stackFor('app', 'us-east-1', 'network'));
  hub.resourceCountIs('AWS::SageMaker::NotebookInstance', 1);
  hub.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
    DirectInternetAccess: 'Disabled',
    RootAccess: 'Disabled',
    InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' },
    LifecycleConfigName: { 'Fn::GetAtt': [Match.stringLikeRegexp('NotebookClient'), 'NotebookInstanceLifecycleConfigName'] },
    SubnetId: Match.anyValue(),
  });
  hub.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: {
        INVOKER_ROLE_ARN: invoker.arn,
        FUNCTION_ARN: fn.arn,
        TARGET_REGION: fn.region,
        STS_ENDPOINT_URL: 'https://sts.us-east-1.amazonaws.com',
      },
    },
  });
  hub.hasResourceProperties('AWS::IAM::Role', {
    Description: 'app-use1 workloads: may assume bedrock-privatelink-bedrock-invoker only',
    Policies: Match.arrayWith([
      {
        PolicyName: 'invoke',
        PolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Resource: invoker.arn })] }),
      },
    ]),
  });
  // the spoke's notebook, too, is IMDSv2 only
  const spoke = Template.fromStack(stacks.stackFor('app', 'ap-southeast-1', 'spoke'));
  spoke.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
    InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' },
  });
  // every notebook instance of the assembly
  const notebooks = assembly.stacks.flatMap((s) =>
    Object.values(s.template.Resources).filter((r) => r.Type === 'AWS::SageMaker::NotebookInstance'),
  );
  assert.equal(notebooks.length, 2);
  assert.ok(notebooks.every((n) => n.Properties.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion === '2'));
});

test("the shipped notebook is the sample's client, with the plan's role, function, regions and STS endpoint", () => {
  for (const [account, region, role] of [
    ['app', 'us-east-1', 'network'],
    ['app', 'ap-southeast-1', 'spoke'],
  ]) {
    const { script, notebook } = shippedNotebook(Template.fromStack(stacks.stackFor(account, region, role)));
    assert.match(script, /^#!\/bin\/bash\n/);
    assert.match(script, /chown ec2-user:ec2-user \/home\/ec2-user\/SageMaker\/linkplan-bedrock-client\.ipynb\n$/);
    assert.equal(notebook.nbformat, 4);
    const code = notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
    const all = code.join('\n');
    assert.ok(all.includes(`INVOKER_ROLE_ARN = "${invoker.arn}"`), all);
    assert.ok(all.includes(`FUNCTION_ARN = "${fn.arn}"`));
    assert.ok(all.includes(`FUNCTION_REGION = "${fn.region}"`));
    assert.ok(all.includes('STS_ENDPOINT_URL = "https://sts.us-east-1.amazonaws.com"'));
    assert.ok(all.includes(`MODEL_ID = "${plan.iam.bedrock.models[0]}"`));
    // the sample's calls: STS on the regional endpoint, then the streamed invocation
    assert.ok(all.includes("boto3.client('sts', region_name=FUNCTION_REGION, endpoint_url=STS_ENDPOINT_URL)"));
    assert.ok(all.includes('lambda_client.invoke_with_response_stream('));
    assert.ok(all.includes("payload = {'modelId': MODEL_ID, 'body': payload_body}"));
    assert.ok(!all.includes('ExternalId'), 'the example has an organization: no external ID');
    // every code cell is valid Python
    const python = join(root, '.venv/bin/python');
    execFileSync(python, ['-c', 'import ast, json, sys\nfor c in json.load(sys.stdin): ast.parse(c)'], { input: JSON.stringify(code) });
  }
});

test('the notebook passes the external ID when the invoker role requires one', () => {
  // (a topology without an organization trusts with sts:ExternalId; the core does not prove that flow yet, so the notebook alone)
  const { clientNotebook } = require('../lib/private/client-notebook.js');
  const facts = {
    topology: 't',
    invokerRoleArn: 'arn:aws:iam::111111111111:role/t-bedrock-invoker',
    externalId: 't-ml',
    functionArn: 'arn:aws:lambda:us-east-1:111111111111:function:t-bedrock-stream',
    functionRegion: 'us-east-1',
    stsEndpointUrl: 'https://sts.us-east-1.amazonaws.com',
    modelId: 'amazon.titan-text-express-v1',
  };
  const code = JSON.parse(clientNotebook(facts))
    .cells.filter((c) => c.cell_type === 'code')
    .map((c) => c.source.join(''));
  assert.ok(code.some((c) => c.includes('ExternalId="t-ml"')));
  // a model other than Anthropic's gets the short form
  assert.ok(code.includes("payload = {'modelId': MODEL_ID, 'prompt': 'What is AWS?', 'maxTokens': 300}"));
  execFileSync(join(root, '.venv/bin/python'), ['-c', 'import ast, json, sys\nfor c in json.load(sys.stdin): ast.parse(c)'], {
    input: JSON.stringify(code),
  });
});

test('a hub workload the plan does not prove is refused', () => {
  // without Lambda in us-east-1, the hub's function could not call the Bedrock function
  const narrowed = Topology.fromString(
    hubText
      .replace(
        'vpc: app-use1\n    kind: lambda\n    needs: [sts@us-east-1, lambda@us-east-1]',
        'vpc: app-use1\n    kind: lambda\n    needs: [sts@us-east-1]',
      )
      .replace(
        'vpc: app-use1\n    kind: notebook\n    needs: [sts@us-east-1, lambda@us-east-1]',
        'vpc: app-use1\n    kind: notebook\n    needs: [sts@us-east-1]',
      ),
  );
  assert.throws(
    () => buildApp(narrowed, { workloads: { 'app-use1': { function: true } } }),
    /no workload of 'app-use1' is proven to reach lambda in us-east-1; add `needs: \[lambda@us-east-1\]`/,
  );
});

test("the ML VPC's own client is built in the ML stack when the ML account is an invoker", () => {
  const text = exampleText
    .replace('    services: [bedrock-runtime]\n', '    services: [bedrock-runtime, sts, lambda]\n')
    .replace('invokers: [app]', 'invokers: [app, ml]')
    .replace('bedrock:\n', '  - { name: ml-client, vpc: ml-use1, kind: lambda, needs: [sts, lambda] }\nbedrock:\n');
  const ml = Topology.fromString(text);
  const built = buildApp(ml, { workloads: workloadsOf(ml.plan) });
  built.app.synth(); // cdk-nag
  const t = Template.fromStack(built.stacks.stackFor('ml', 'us-east-1', 'ml'));
  t.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: Match.objectLike({ INVOKER_ROLE_ARN: invoker.arn, STS_ENDPOINT_URL: 'https://sts.us-east-1.amazonaws.com' }),
    },
  });
  // the app account's spoke keeps its own
  Template.fromStack(built.stacks.stackFor('app', 'ap-southeast-1', 'spoke')).resourceCountIs('AWS::SageMaker::NotebookInstance', 1);
});

test('cfn-lint accepts every template with the hub workloads', () => {
  cfnLint(assembly, 'bedrock-hub-workloads');
});
