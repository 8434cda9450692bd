// StudioLobDomain and StudioAccessPortal through TopologyStacks on the
// Studio example (seeds 002 and 004 without their flaws).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { buildApp, cfnLint, topologyOf } from './support.mjs';

const require = createRequire(import.meta.url);
const { Template, Match } = require('aws-cdk-lib/assertions');

const topology = topologyOf('studio-multi-account');
const { app, stacks } = buildApp(topology);
const assembly = app.synth(); // cdk-nag runs here
const lobA = () => Template.fromStack(stacks.stackFor('lob-a', 'us-east-1', 'spoke'));
const portal = () => Template.fromStack(stacks.stackFor('shared', 'us-east-1', 'spoke'));

test('a LOB domain: VpcOnly with IAM auth in the LOB VPC, its planned users, an encrypted store', () => {
  const t = lobA();
  t.hasResourceProperties('AWS::SageMaker::Domain', {
    DomainName: 'studio-multi-account-lob-a',
    AuthMode: 'IAM',
    AppNetworkAccessType: 'VpcOnly',
    KmsKeyId: Match.anyValue(),
    SubnetIds: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('Subnetworkloaduse1az1') })]),
  });
  t.resourceCountIs('AWS::SageMaker::UserProfile', 1);
  t.hasResourceProperties('AWS::SageMaker::UserProfile', { UserProfileName: 'user-lob-a' });
});

test('the execution role is limited to the domain, not AmazonSageMakerFullAccess or s3:* on *', () => {
  const t = lobA();
  const exec = Object.values(t.findResources('AWS::IAM::Role')).find(
    (r) => r.Properties.RoleName === 'studio-multi-account-studio-exec-lob-a',
  );
  assert.ok(exec, 'execution role');
  assert.equal(exec.Properties.ManagedPolicyArns, undefined);
  const policy = Object.values(t.findResources('AWS::IAM::Policy')).find((p) => p.Properties.PolicyName === 'studio-apps');
  const text = JSON.stringify(policy.Properties.PolicyDocument);
  assert.doesNotMatch(text, /"sagemaker:\*"|"s3:\*"|"Resource":"\*"/);
  assert.match(text, /sagemaker:us-east-1:222222222222:domain\/",\{"Fn::GetAtt":\["[^"]*Domain[^"]*","DomainId"\]/);
});

test('the presigned-URL role: only the portal role may assume it, only through the planned endpoints, only for the LOB users', () => {
  const t = lobA();
  const url = Object.values(t.findResources('AWS::IAM::Role')).find(
    (r) => r.Properties.RoleName === 'studio-multi-account-studio-url-lob-a',
  );
  const trust = url.Properties.AssumeRolePolicyDocument.Statement[0];
  // the portal role's ARN, read from the portal's stack (another account)
  assert.equal(trust.Principal.AWS.length, 1);
  assert.deepEqual(Object.keys(trust.Principal.AWS[0]), ['Fn::GetAtt']);
  assert.equal(trust.Condition.StringEquals['aws:PrincipalAccount'], '111111111111');
  const statements = url.Properties.Policies[0].PolicyDocument.Statement;
  const presign = statements.find((s) => s.Action.includes('sagemaker:CreatePresignedDomainUrl'));
  assert.equal(presign.Condition.StringEquals['aws:SourceVpce'].length, 2, 'the SageMaker API and Studio endpoints');
  assert.match(JSON.stringify(presign.Resource), /user-profile\/",\{"Fn::GetAtt":\[".*Domain.*","DomainId"\]\},"\/user-lob-a/);
  assert.ok(
    statements.every((s) => s.Condition?.StringEquals?.['aws:SourceVpce']),
    'every statement only through the endpoints',
  );
});

test('the portal: a private API admitting only the planned execute-api endpoint, a JWT authorizer, the plan’s domains', () => {
  const t = portal();
  t.hasResourceProperties('AWS::ApiGateway::RestApi', {
    EndpointConfiguration: { Types: ['PRIVATE'] },
    Policy: Match.objectLike({
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:SourceVpce': Match.anyValue() } } }),
      ]),
    }),
  });
  t.hasResourceProperties('AWS::ApiGateway::Authorizer', {
    Type: 'REQUEST',
    IdentitySource: 'method.request.header.Authorization',
    AuthorizerResultTtlInSeconds: 0,
  });
  t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'CUSTOM' });
  t.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
  const fn = Object.values(t.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment?.Variables?.DOMAINS);
  const domains = JSON.parse(fn.Properties.Environment.Variables.DOMAINS);
  assert.deepEqual(domains['user-lob-b'], {
    lob: 'lob-b',
    accountId: '333333333333',
    region: 'us-east-1',
    domainName: 'studio-multi-account-lob-b',
    roleArn: 'arn:aws:iam::333333333333:role/studio-multi-account-studio-url-lob-b',
  });
  assert.equal(fn.Properties.Environment.Variables.TTL_SECONDS, '20');
  assert.ok(fn.Properties.VpcConfig, 'the presign function runs in the portal VPC');
  t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'studio-multi-account-studio-portal' });
});

test('the LOB stacks deploy after the portal (their trust names its role); the hub outputs its inbound resolver IPs', () => {
  const waves = Object.fromEntries(stacks.stacks.map((s) => [s.stack.stackName, s.wave]));
  assert.ok(waves['studio-multi-account-lob-a-us-east-1-spoke'] > waves['studio-multi-account-shared-us-east-1-spoke']);
  const hub = Template.fromStack(stacks.stackFor('shared', 'us-east-1', 'network'));
  const inbound = topology.plan.dns.resolverEndpoints.find((r) => r.direction === 'inbound');
  hub.hasOutput('*', { Value: inbound.ips.join(',') });
});

test('a portal with an OIDC issuer of its own creates no user pool', () => {
  const built = buildApp(topology, { studioIdentity: { issuer: 'https://login.example.com/', audience: 'portal' } });
  const t = Template.fromStack(built.stacks.stackFor('shared', 'us-east-1', 'spoke'));
  t.resourceCountIs('AWS::Cognito::UserPool', 0);
  t.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: { ISSUER: 'https://login.example.com/', AUDIENCE: 'portal' } },
  });
});

test('cfn-lint accepts every Studio stack', () => {
  cfnLint(assembly, 'studio');
});
