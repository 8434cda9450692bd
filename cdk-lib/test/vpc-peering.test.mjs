// transit.mode: vpc-peering, built: the requester's stack requests each
// connection (with the accepter's peer role across accounts), routes both
// ways, the accepter's side in its links stack; cdk-nag and cfn-lint clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { buildApp, cfnLint } from './support.mjs';

const require = createRequire(import.meta.url);
const { Topology } = require('../lib/index.js');

// a hub in one account shares STS with spokes in another account, one in its
// region and one across regions; DNS by Profiles
const text = `apiVersion: linkplan/v1alpha1
name: peered
organization: { id: o-exampleorg1 }
accounts:
  net: { id: "111111111111" }
  app: { id: "222222222222" }
addressing: { pools: [{ cidr: 10.0.0.0/12 }] }
vpcs:
  hub: { account: net, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }
  near: { account: app, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }
  far: { account: app, region: eu-west-1, size: 20, azs: [euw1-az1, euw1-az2] }
transit: { mode: vpc-peering, attach: [hub, near, far] }
endpoints:
  - { vpc: hub, services: [sts], share: [near, far] }
dns: { mode: profile }
`;

const topology = Topology.fromString(text);
const plan = topology.plan;
const { app } = buildApp(topology);
const assembly = app.synth(); // cdk-nag's AwsSolutions pack throws on an unacknowledged finding
const resources = (stack) => Object.values(assembly.getStackByName(stack).template.Resources);
const ofType = (stack, type) => resources(stack).filter((r) => r.Type === type);

test('the plan peers every pair that routes to each other, a hub accepting', () => {
  assert.deepEqual(
    plan.routing.vpcPeerings.map((p) => [p.requester, p.accepter, p.crossAccount, p.crossRegion]),
    [
      ['far', 'hub', true, true],
      ['near', 'far', false, true],
      ['near', 'hub', true, false],
    ],
  );
  assert.ok(
    plan.reachability.every((p) => p.ok),
    JSON.stringify(plan.reachability.filter((p) => !p.ok)),
  );
});

test("each requester's stack requests its connection with the accepter's account, region and peer role", () => {
  for (const p of plan.routing.vpcPeerings) {
    const [connection] = ofType(p.stack, 'AWS::EC2::VPCPeeringConnection').filter((c) => c.Properties.Tags[0].Value === p.tagName);
    assert.ok(connection, `${p.stack} requests ${p.id}`);
    assert.equal(connection.Properties.PeerOwnerId, p.crossAccount ? p.accepterAccountId : undefined);
    assert.equal(connection.Properties.PeerRegion, p.crossRegion ? p.accepterRegion : undefined);
    // in one account the connection is accepted without a peer role
    assert.equal(connection.Properties.PeerRoleArn, p.peerRole?.arn);
    assert.equal(p.peerRole === undefined, !p.crossAccount);
    // its own routes to the accepter go over it, in every tier
    const requester = plan.vpcs[p.requester];
    const routes = ofType(p.stack, 'AWS::EC2::Route').filter(
      (r) => r.Properties.VpcPeeringConnectionId && r.Properties.DestinationCidrBlock === plan.vpcs[p.accepter].cidr,
    );
    const tiers = new Set(requester.subnets.map((s) => s.tier));
    assert.equal(routes.length, tiers.size);
  }
});

test("the accepter's stack makes the peer roles, its links stack the routes back", () => {
  const roles = ofType(plan.vpcs.hub.stack, 'AWS::IAM::Role').map((r) => r.Properties.RoleName);
  assert.equal(plan.routing.vpcPeerings.filter((p) => p.peerRole).length, 2);
  for (const p of plan.routing.vpcPeerings) {
    if (p.peerRole) assert.ok(roles.includes(p.peerRole.name), `${plan.vpcs[p.accepter].stack} makes ${p.peerRole.name}`);
    const back = ofType(p.routesStack, 'AWS::EC2::Route').filter((r) => r.Properties.DestinationCidrBlock === plan.vpcs[p.requester].cidr);
    assert.equal(back.length, Object.keys(p.accepterRouteTables).length, `${p.routesStack} routes ${p.requester}`);
  }
});

test('stacks deploy accepter, then requester, then the links stack', () => {
  const deps = (name) => assembly.getStackByName(name).dependencies.map((d) => d.stackName ?? d.id);
  for (const p of plan.routing.vpcPeerings) {
    assert.ok(deps(p.stack).includes(plan.vpcs[p.accepter].stack), `${p.stack} after ${plan.vpcs[p.accepter].stack}`);
    assert.ok(deps(p.routesStack).includes(p.stack), `${p.routesStack} after ${p.stack}`);
  }
});

test('cfn-lint accepts every template', () => {
  cfnLint(assembly, 'peering');
});

test('two VPCs of one stack peer with direct references, nothing read back', () => {
  const one = Topology.fromString(`apiVersion: linkplan/v1alpha1
name: together
accounts: { app: { id: "222222222222" } }
addressing: { pools: [{ cidr: 10.0.0.0/16 }] }
vpcs:
  a: { account: app, region: us-east-1, size: 22, azs: [use1-az1, use1-az2] }
  b: { account: app, region: us-east-1, size: 22, azs: [use1-az1, use1-az2] }
transit: { mode: vpc-peering, attach: [a, b] }
`);
  const [p] = one.plan.routing.vpcPeerings;
  assert.equal(p.stack, one.plan.vpcs[p.accepter].stack);
  const synthesized = buildApp(one).app.synth();
  const template = synthesized.getStackByName(p.stack).template;
  const [connection] = Object.values(template.Resources).filter((r) => r.Type === 'AWS::EC2::VPCPeeringConnection');
  assert.deepEqual(Object.keys(connection.Properties.PeerVpcId), ['Ref'], 'the accepter VPC by reference');
  assert.equal(connection.Properties.PeerRoleArn, undefined);
  assert.ok(!Object.values(template.Resources).some((r) => r.Type === 'Custom::LinkplanRead'), 'no cross-stack read');
});
