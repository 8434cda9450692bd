// `dns.mode: profile` with hub endpoints held by the Profile itself: a hub
// endpoint whose consumers are all in its region gets private DNS and a
// Profile resource association by its ARN instead of a private hosted zone
// and alias records; the rest keep their zones. Checked against the plan,
// with cdk-nag (on synth) and cfn-lint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { buildApp, cfnLint, resourceCount } from './support.mjs';

const require = createRequire(import.meta.url);
const { Template } = require('aws-cdk-lib/assertions');
const { Topology } = require('../lib/index.js');

const text = (dns) => `apiVersion: linkplan/v1alpha1
name: profile-endpoints
organization: { id: o-exampleorg1 }
accounts:
  net: { id: "111111111111" }
  app: { id: "222222222222" }
addressing:
  pools: [{ cidr: 10.0.0.0/16 }]
vpcs:
  hub-use1: { account: net, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }
  app-use1: { account: app, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }
  app-euw1: { account: app, region: eu-west-1, size: 20, azs: [euw1-az1, euw1-az2] }
transit: { mode: transit-gateway, owner: net, attach: [hub-use1, app-use1, app-euw1] }
endpoints:
  - { vpc: hub-use1, services: [sts, s3-interface], share: [app-use1] }
  - { vpc: hub-use1, services: [lambda], share: [app-use1, app-euw1] }
workloads:
  - { name: near, vpc: app-use1, needs: [sts, s3-interface, lambda] }
  - { name: far, vpc: app-euw1, needs: [lambda@us-east-1] }
dns: ${dns}
`;

const direct = Topology.fromString(text('{ mode: profile }'));
const zoned = Topology.fromString(text('{ mode: profile, profileNames: hosted-zone }'));
const directApp = buildApp(direct);
const zonedApp = buildApp(zoned);
const directAssembly = directApp.app.synth();
const zonedAssembly = zonedApp.app.synth();
const hubOf = (app) => Template.fromStack(app.stacks.stackFor('net', 'us-east-1', 'network'));

const resourceAssociations = (t) => Object.values(t.findResources('AWS::Route53Profiles::ProfileResourceAssociation'));

test('the plan holds sts in the us-east-1 Profile itself; s3-interface and lambda keep zones', () => {
  const use1 = direct.plan.dns.profiles.find((p) => p.region === 'us-east-1');
  assert.deepEqual(use1.endpoints, ['hub-use1/sts']);
  const zones = direct.plan.dns.hostedZones.map((z) => z.endpoint);
  assert.ok(!zones.includes('hub-use1/sts'));
  assert.ok(zones.includes('hub-use1/s3-interface') && zones.includes('hub-use1/lambda'));
  assert.ok(direct.plan.reachability.every((p) => p.ok));
});

test('the hub endpoint has private DNS on and is associated with the Profile by its ARN', () => {
  const t = hubOf(directApp);
  const endpoints = t.findResources('AWS::EC2::VPCEndpoint');
  const byService = (name) => Object.entries(endpoints).find(([, r]) => r.Properties.ServiceName === name);
  const [stsId, sts] = byService('com.amazonaws.us-east-1.sts');
  assert.equal(sts.Properties.PrivateDnsEnabled, true);
  assert.equal(byService('com.amazonaws.us-east-1.lambda')[1].Properties.PrivateDnsEnabled, false);
  assert.equal(byService('com.amazonaws.us-east-1.s3')[1].Properties.PrivateDnsEnabled, false);
  const arnAssociations = resourceAssociations(t).filter((r) => JSON.stringify(r.Properties.ResourceArn).includes('vpc-endpoint'));
  assert.equal(arnAssociations.length, 1);
  const arn = JSON.stringify(arnAssociations[0].Properties.ResourceArn);
  assert.ok(arn.includes(`{"Ref":"${stsId}"}`), arn);
  assert.ok(arn.includes(':ec2:us-east-1:111111111111:vpc-endpoint/'), arn);
  assert.equal(
    arnAssociations[0].Properties.Name,
    direct.plan.dns.profiles.find((p) => p.region === 'us-east-1').endpointAssociationNames['hub-use1/sts'],
  );
  // no zone for sts's name is built
  const zoneNames = Object.values(t.findResources('AWS::Route53::HostedZone')).map((z) => z.Properties.Name);
  assert.ok(!zoneNames.includes('sts.us-east-1.amazonaws.com'), zoneNames.join(', '));
  assert.ok(zoneNames.includes('lambda.us-east-1.amazonaws.com'), zoneNames.join(', '));
});

test('profileNames: hosted-zone keeps the zone and alias records, as before', () => {
  const t = hubOf(zonedApp);
  const zoneNames = Object.values(t.findResources('AWS::Route53::HostedZone')).map((z) => z.Properties.Name);
  assert.ok(zoneNames.includes('sts.us-east-1.amazonaws.com'));
  assert.ok(resourceAssociations(t).every((r) => !JSON.stringify(r.Properties.ResourceArn).includes('vpc-endpoint')));
  t.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.sts', PrivateDnsEnabled: false });
});

test('what it saves: the hub stack has the resources the plan counts, fewer than with zones', () => {
  for (const [topology, app] of [
    [direct, directApp],
    [zoned, zonedApp],
  ]) {
    for (const s of topology.plan.stacks) {
      const tpl = Template.fromStack(app.stacks.stacks.find((x) => x.stack.stackName === s.name).stack).toJSON();
      assert.equal(resourceCount(tpl), s.resources, s.name);
    }
  }
  const hub = (topology) => topology.plan.stacks.find((s) => s.name === 'profile-endpoints-net-us-east-1-network').resources;
  // sts's zone, its alias record, the SSM parameter publishing its ID and the zone's Profile
  // association give way to one endpoint association
  assert.equal(hub(zoned) - hub(direct), 3);
  assert.equal(zoned.plan.dns.hostedZones.length - direct.plan.dns.hostedZones.length, 1);
});

test('both variants pass cfn-lint', () => {
  cfnLint(directAssembly, 'profile-endpoints');
  cfnLint(zonedAssembly, 'profile-endpoints-zoned');
});
