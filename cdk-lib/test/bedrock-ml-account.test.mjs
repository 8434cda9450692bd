// BedrockMlAccount: the planned VPC, endpoint, streaming function and roles,
// checked by cdk-nag and cfn-lint.
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cfnLint, root } from './support.mjs';

const require = createRequire(import.meta.url);
const { Topology, BedrockMlAccount } = require('../lib/index.js');
const { App, Stack, Validations } = require('aws-cdk-lib');
const { Template, Match } = require('aws-cdk-lib/assertions');
const { AwsSolutionsChecks } = require('cdk-nag');

const topology = Topology.fromFile(join(root, 'examples/bedrock-privatelink/topology.yaml'));

function build() {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const stack = new Stack(app, 'Ml', { env: { account: '111111111111', region: 'us-east-1' } });
  const ml = new BedrockMlAccount(stack, 'Ml', { topology });
  return { app, stack, ml };
}

test('the function may invoke exactly the listed models and streams from the VPC', () => {
  const { stack } = build();
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: 'bedrock-privatelink-bedrock-stream',
    Runtime: 'nodejs24.x',
    Environment: { Variables: { ALLOWED_MODELS: 'anthropic.claude-3-sonnet-20240229-v1:0' } },
    VpcConfig: Match.objectLike({
      SubnetIds: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('Subnetworkloaduse1az1') })]),
    }),
  });
  t.hasResourceProperties('AWS::IAM::Role', {
    RoleName: 'bedrock-privatelink-bedrock-fn',
    Policies: Match.arrayWith([
      Match.objectLike({
        PolicyName: 'planned',
        PolicyDocument: Match.objectLike({
          Statement: [
            Match.objectLike({
              Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
              Resource: ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0'],
            }),
          ],
        }),
      }),
    ]),
  });
  t.hasResourceProperties('AWS::IAM::Role', {
    RoleName: 'bedrock-privatelink-bedrock-invoker',
    AssumeRolePolicyDocument: Match.objectLike({
      Statement: [
        Match.objectLike({
          Principal: { AWS: ['arn:aws:iam::222222222222:root'] },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' } },
        }),
      ],
    }),
  });
  t.hasResourceProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    Principal: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith([Match.stringLikeRegexp('InvokerRole')]) }),
  });
  t.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime', PrivateDnsEnabled: true });
});

test('cdk-nag and cfn-lint accept the ML account stack', () => {
  const { app } = build();
  const assembly = app.synth(); // throws on unacknowledged cdk-nag findings
  cfnLint(assembly, 'ml');
});
