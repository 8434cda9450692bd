// PlannedVpc builds what the plan says, by AZ ID, and refuses a stack in
// the wrong account or region.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Topology, PlannedVpc } = require('../lib/index.js');
const { App, Stack } = require('aws-cdk-lib');
const { Template, Match } = require('aws-cdk-lib/assertions');

const topology = Topology.fromFile(new URL('../../examples/bedrock-privatelink/topology.yaml', import.meta.url).pathname);

function stackFor(vpcName) {
  const v = topology.plan.vpcs[vpcName];
  return new Stack(new App(), 'S', { env: { account: v.accountId, region: v.region } });
}

test('the VPC and its subnets are the planned ones, placed by AZ ID', () => {
  const stack = stackFor('app-apse1');
  const vpc = new PlannedVpc(stack, 'Vpc', { topology, vpcName: 'app-apse1' });
  const planned = topology.plan.vpcs['app-apse1'];
  const t = Template.fromStack(stack);
  t.resourceCountIs('AWS::EC2::VPC', 1);
  t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: planned.cidr, EnableDnsHostnames: true });
  t.resourceCountIs('AWS::EC2::Subnet', planned.subnets.length);
  for (const s of planned.subnets) {
    t.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: s.cidr, AvailabilityZoneId: s.az, MapPublicIpOnLaunch: false });
  }
  t.resourceCountIs('AWS::EC2::RouteTable', 3); // workload, endpoints, transit
  t.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL' });
  t.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: Match.objectLike({
      Statement: [Match.objectLike({ Principal: { Service: 'vpc-flow-logs.amazonaws.com' } })],
    }),
  });
  assert.equal(vpc.subnetIds('transit').length, 2);
  assert.throws(() => vpc.subnetIds('nope'), /has no 'nope' subnets; it has workload, endpoints, transit/);
});

test('a stack in another region or account is refused with the construct path', () => {
  const wrongRegion = new Stack(new App(), 'S', { env: { account: '222222222222', region: 'eu-west-1' } });
  assert.throws(
    () => new PlannedVpc(wrongRegion, 'Vpc', { topology, vpcName: 'app-apse1' }),
    /S\/Vpc: VPC 'app-apse1' is planned in ap-southeast-1, but this stack is in eu-west-1/,
  );
  const wrongAccount = new Stack(new App(), 'S', { env: { account: '999999999999', region: 'ap-southeast-1' } });
  assert.throws(() => new PlannedVpc(wrongAccount, 'Vpc', { topology, vpcName: 'app-apse1' }), /planned in account 222222222222/);
  assert.throws(
    () => new PlannedVpc(stackFor('app-apse1'), 'Vpc', { topology, vpcName: 'app-apse2' }),
    /not in topology 'bedrock-privatelink'; expected one of/,
  );
});
