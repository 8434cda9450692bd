// The deploy-time provider with the real AWS SDK v3 clients against a moto
// server on 127.0.0.1: the SDK wiring (commands, inputs, regions, assumed
// credentials) that the fake-call tests cannot see. moto has no
// CreateVPCAssociationAuthorization, so `authorize-association` is covered
// by the fake-call tests only.
//
// The server is LINKPLAN_MOTO_SERVER (test/all.sh sets it to the repo's
// venv), else .venv/bin/moto_server. Without it the tests are skipped,
// unless LINKPLAN_REQUIRE_MOTO=1 (test/all.sh, CI), where they fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const server = process.env.LINKPLAN_MOTO_SERVER ?? path.join(root, '.venv/bin/moto_server');
const available = existsSync(server);
if (!available && process.env.LINKPLAN_REQUIRE_MOTO === '1') throw new Error(`moto server not found at ${server}`);
const skip = available ? false : `no moto server at ${server} (run test/all.sh)`;

let moto;
let endpoint;
let sdk;

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

before(async () => {
  if (skip) return;
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      if (i > 100) throw new Error('moto server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  });
  sdk = {
    ssm: await import('@aws-sdk/client-ssm'),
    sts: await import('@aws-sdk/client-sts'),
    ec2: await import('@aws-sdk/client-ec2'),
    r53: await import('@aws-sdk/client-route-53'),
  };
});

after(() => moto?.kill());

const event = (RequestType, ResourceProperties, extra = {}) => ({
  RequestType,
  ResourceProperties,
  LogicalResourceId: 'Call',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/demo/guid',
  RequestId: 'r',
  ResponseURL: 'https://example.invalid/',
  ...extra,
});

async function handler() {
  const { makeHandler, sdkDeps } = await import('../lambda/deploy-calls/index.mjs');
  return makeHandler(sdkDeps(process.env));
}

test('read: the values of another account, as its reader role, in the producer region', { skip }, async () => {
  const producer = '222222222222';
  const role = `arn:aws:iam::${producer}:role/demo-network-eu-west-1-reader`;
  // publish as the producer account would
  const sts = new sdk.sts.STSClient({ region: 'us-east-1' });
  const { Credentials: c } = await sts.send(new sdk.sts.AssumeRoleCommand({ RoleArn: role, RoleSessionName: 'seed' }));
  const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  const ssm = new sdk.ssm.SSMClient({ region: 'eu-west-1', credentials });
  const names = Array.from({ length: 12 }, (_, i) => `/linkplan/demo/value-${i}`);
  for (const [i, n] of names.entries()) await ssm.send(new sdk.ssm.PutParameterCommand({ Name: n, Value: `id-${i}`, Type: 'String' }));

  const run = await handler();
  const out = await run(event('Create', { Call: 'read', Region: 'eu-west-1', RoleArn: role, Names: names }));
  assert.equal(out.Status, 'SUCCESS', out.Reason);
  assert.deepEqual(out.Data, Object.fromEntries(names.map((_, i) => [`V${i}`, `id-${i}`])));

  // without the role: this (the provider's) account has no such parameters
  const own = await run(event('Create', { Call: 'read', Region: 'eu-west-1', Names: names.slice(0, 1) }));
  assert.equal(own.Status, 'FAILED');
  assert.match(own.Reason, /not published in eu-west-1: \/linkplan\/demo\/value-0/);
  // the producer's parameters live in its region only
  const elsewhere = await run(event('Create', { Call: 'read', Region: 'us-east-1', RoleArn: role, Names: names.slice(0, 1) }));
  assert.equal(elsewhere.Status, 'FAILED');
});

test('accept-peering: the peer region accepts the attachment', { skip }, async () => {
  const ec2 = (region) => new sdk.ec2.EC2Client({ region });
  const { TransitGateway: use1 } = await ec2('us-east-1').send(new sdk.ec2.CreateTransitGatewayCommand({}));
  const { TransitGateway: apse1 } = await ec2('ap-southeast-1').send(new sdk.ec2.CreateTransitGatewayCommand({}));
  const { TransitGatewayPeeringAttachment: a } = await ec2('ap-southeast-1').send(
    new sdk.ec2.CreateTransitGatewayPeeringAttachmentCommand({
      TransitGatewayId: apse1.TransitGatewayId,
      PeerTransitGatewayId: use1.TransitGatewayId,
      PeerAccountId: '123456789012',
      PeerRegion: 'us-east-1',
    }),
  );
  const out = await (
    await handler()
  )(event('Create', { Call: 'accept-peering', Region: 'us-east-1', AttachmentId: a.TransitGatewayAttachmentId }));
  assert.equal(out.Status, 'SUCCESS', out.Reason);
  const {
    TransitGatewayPeeringAttachments: [after],
  } = await ec2('us-east-1').send(
    new sdk.ec2.DescribeTransitGatewayPeeringAttachmentsCommand({ TransitGatewayAttachmentIds: [a.TransitGatewayAttachmentId] }),
  );
  assert.equal(after.State, 'available');
});

test('associate-zone: associates the VPC and disassociates it on delete', { skip }, async () => {
  const ec2 = new sdk.ec2.EC2Client({ region: 'us-east-1' });
  const { Vpc: hub } = await ec2.send(new sdk.ec2.CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const { Vpc: spoke } = await ec2.send(new sdk.ec2.CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
  const r53 = new sdk.r53.Route53Client({ region: 'us-east-1' });
  const { HostedZone: zone } = await r53.send(
    new sdk.r53.CreateHostedZoneCommand({
      Name: 'sts.us-east-1.amazonaws.com',
      CallerReference: 'demo',
      VPC: { VPCId: hub.VpcId, VPCRegion: 'us-east-1' },
      HostedZoneConfig: { PrivateZone: true },
    }),
  );
  const zoneId = zone.Id.replace('/hostedzone/', '');
  const vpcs = async () => (await r53.send(new sdk.r53.GetHostedZoneCommand({ Id: zoneId }))).VPCs.map((v) => v.VPCId).sort();
  const props = { Call: 'associate-zone', HostedZoneId: zoneId, VpcId: spoke.VpcId, VpcRegion: 'us-east-1' };
  const run = await handler();
  const created = await run(event('Create', props));
  assert.equal(created.Status, 'SUCCESS', created.Reason);
  assert.deepEqual(await vpcs(), [hub.VpcId, spoke.VpcId].sort());
  const deleted = await run(event('Delete', props, { PhysicalResourceId: created.PhysicalResourceId }));
  assert.equal(deleted.Status, 'SUCCESS', deleted.Reason);
  assert.deepEqual(await vpcs(), [hub.VpcId]);
});
