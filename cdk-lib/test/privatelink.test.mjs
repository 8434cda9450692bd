// PrivateLinkService and PrivateLinkConsumer through TopologyStacks on the
// PrivateLink example (seed 003 without its flaws).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { buildApp, cfnLint, topologyOf } from './support.mjs';

const require = createRequire(import.meta.url);
const { Annotations, Template, Match } = require('aws-cdk-lib/assertions');
const { Topology } = require('../lib/index.js');

const topology = topologyOf('privatelink-service');
const { app, stacks } = buildApp(topology);
const assembly = app.synth(); // cdk-nag runs here

test('the producer: internal NLB in the workload subnets, acceptance required, only the consumer account allowed', () => {
  const t = Template.fromStack(stacks.stackFor('producer', 'eu-west-1', 'spoke'));
  const workload = topology.plan.vpcs.provider.subnets.filter((s) => s.tier === 'workload').map((s) => s.cidr);
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    Type: 'network',
    Scheme: 'internal',
    Subnets: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('Subnetworkloadeuw1az1') })]),
  });
  assert.equal(workload.length, 2);
  t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'TCP', Port: 443 });
  t.hasResourceProperties('AWS::EC2::VPCEndpointService', { AcceptanceRequired: true });
  t.hasResourceProperties('AWS::EC2::VPCEndpointServicePermissions', { AllowedPrincipals: ['arn:aws:iam::555555555555:root'] });
  t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/linkplan/privatelink-service/privatelink/partner-api/service-name' });
});

test('the consumer: an endpoint to the published service name, private DNS off, open to its workload subnets only', () => {
  const t = Template.fromStack(stacks.stackFor('consumer', 'eu-west-1', 'spoke'));
  const endpoints = Object.values(t.findResources('AWS::EC2::VPCEndpoint')).filter((e) => typeof e.Properties.ServiceName !== 'string');
  assert.equal(endpoints.length, 1);
  assert.equal(endpoints[0].Properties.PrivateDnsEnabled, false);
  t.hasResourceProperties('Custom::LinkplanRead', {
    Region: 'eu-west-1',
    RoleArn: 'arn:aws:iam::444444444444:role/privatelink-service-spoke-eu-west-1-reader',
    Names: Match.arrayWith(['/linkplan/privatelink-service/privatelink/partner-api/service-name']),
  });
  const ingress = topology.plan.privatelink[0].consumers[0].securityGroup.ingress;
  t.hasResourceProperties('AWS::EC2::SecurityGroup', {
    GroupDescription: 'partner-api/consumer: port 443 from the planned workloads only',
    SecurityGroupIngress: ingress.map((i) => Match.objectLike({ CidrIp: i.cidr, FromPort: 443, ToPort: 443 })),
  });
  assert.deepEqual(
    stacks.stacks.map((s) => [s.stack.stackName, s.wave]),
    [
      ['privatelink-service-producer-eu-west-1-spoke', 1],
      ['privatelink-service-consumer-eu-west-1-spoke', 2],
    ],
  );
});

test('acceptance off is built as asked, with the LP050 warning as an annotation', () => {
  const text = require('node:fs')
    .readFileSync(new URL('../../examples/privatelink-service/topology.yaml', import.meta.url), 'utf8')
    .replace('acceptanceRequired: true', 'acceptanceRequired: false');
  const open = Topology.fromString(text);
  assert.deepEqual(
    open.warnings.map((w) => w.code),
    ['LP050'],
  );
  const built = buildApp(open);
  Template.fromStack(built.stacks.stackFor('producer', 'eu-west-1', 'spoke')).hasResourceProperties('AWS::EC2::VPCEndpointService', {
    AcceptanceRequired: false,
  });
  // the warning reaches the user once per app, with its hint
  const warned = built.stacks.stacks.flatMap((s) => Annotations.fromStack(s.stack).findWarning('*', Match.stringLikeRegexp('LP050')));
  assert.equal(warned.length, 1, JSON.stringify(warned));
  assert.match(JSON.stringify(warned[0].entry.data), /help: /);
});

test('cfn-lint accepts both stacks', () => {
  cfnLint(assembly, 'privatelink');
});
