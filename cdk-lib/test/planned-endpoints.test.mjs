// PlannedEndpoints builds the plan's endpoints: security groups admitting
// exactly the planned consumers on 443, private DNS and policies as planned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Topology, PlannedVpc, PlannedEndpoints } = require('../lib/index.js');
const { App, Stack } = require('aws-cdk-lib');
const { Template, Match } = require('aws-cdk-lib/assertions');

const root = new URL('../..', import.meta.url).pathname;

function build(file, vpcName) {
  const topology = Topology.fromFile(root + file);
  const v = topology.plan.vpcs[vpcName];
  const stack = new Stack(new App(), 'S', { env: { account: v.accountId, region: v.region } });
  const vpc = new PlannedVpc(stack, 'Vpc', { topology, vpcName });
  const endpoints = new PlannedEndpoints(stack, 'Endpoints', { topology, vpc });
  return { topology, template: Template.fromStack(stack), endpoints };
}

test('hub endpoints: private DNS off, SG admits exactly the planned consumers', () => {
  const { topology, template, endpoints } = build('examples/bedrock-privatelink/topology.yaml', 'app-use1');
  assert.deepEqual(endpoints.services.sort(), ['lambda', 'sts']);
  template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
  template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
    ServiceName: 'com.amazonaws.us-east-1.sts',
    VpcEndpointType: 'Interface',
    PrivateDnsEnabled: false,
    PolicyDocument: Match.objectLike({
      Statement: [Match.objectLike({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' } } })],
    }),
  });
  const planned = topology.plan.endpoints
    .find((e) => e.id === 'app-use1/sts')
    .securityGroup.ingress.map((i) => i.cidr)
    .sort();
  const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
    .filter((r) => r.Properties.Description === 'planned consumer of app-use1/sts')
    .map((r) => [r.Properties.CidrIp, r.Properties.FromPort, r.Properties.ToPort, r.Properties.IpProtocol]);
  assert.deepEqual(rules.map((r) => r[0]).sort(), planned);
  assert.ok(rules.every(([, from, to, proto]) => from === 443 && to === 443 && proto === 'tcp'));
  assert.throws(() => endpoints.endpointId('kms'), /no endpoint for 'kms' is planned here; planned: /);
});

test('local endpoints keep private DNS on; gateway endpoints go in the route tables', () => {
  const ml = build('examples/bedrock-privatelink/topology.yaml', 'ml-use1');
  ml.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
    ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime',
    PrivateDnsEnabled: true,
  });
  const access = build('examples/studio-multi-account/topology.yaml', 'access');
  access.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
    ServiceName: 'com.amazonaws.us-east-1.dynamodb',
    VpcEndpointType: 'Gateway',
    RouteTableIds: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('RouteTableworkload') })]),
  });
});
