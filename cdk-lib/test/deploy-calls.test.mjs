// The deploy-time provider of every Linkplan stack against fake AWS calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHandler, reply, responseBody, MAX_RESPONSE_BYTES } from '../lambda/deploy-calls/index.mjs';

const CREDENTIALS = { AccessKeyId: 'ASIAFAKE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(0) };
const READER = 'arn:aws:iam::222222222222:role/demo-network-us-east-1-reader';

/** Fake AWS: records every call; `parameters` is the SSM store, `errors` makes an operation throw. */
function fakeAws({ parameters = {}, errors = {} } = {}) {
  const calls = [];
  const op =
    (name, fn) =>
    async (...args) => {
      calls.push([name, ...args]);
      if (errors[name]) throw errors[name];
      return fn?.(...args);
    };
  const deps = {
    assumeRole: op('assumeRole', () => ({ Credentials: CREDENTIALS })),
    getParameters: op('getParameters', (region, credentials, { Names }) => ({
      Parameters: Names.filter((n) => `${region}${n}` in parameters).map((n) => ({ Name: n, Value: parameters[`${region}${n}`] })),
      InvalidParameters: Names.filter((n) => !(`${region}${n}` in parameters)),
    })),
    acceptPeering: op('acceptPeering'),
    createAssociationAuthorization: op('createAssociationAuthorization'),
    deleteAssociationAuthorization: op('deleteAssociationAuthorization'),
    associate: op('associate'),
    disassociate: op('disassociate'),
  };
  return { deps, calls };
}

const awsError = (name, message = name) => Object.assign(new Error(message), { name });

const event = (RequestType, ResourceProperties, extra = {}) => ({
  RequestType,
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:calls', ...ResourceProperties },
  LogicalResourceId: 'ReadsNetwork',
  StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/demo/guid',
  RequestId: 'req-1',
  ResponseURL: 'https://example.invalid/reply',
  ...extra,
});

test('a read returns the values in the order of Names, ten names per GetParameters', async () => {
  const names = Array.from({ length: 23 }, (_, i) => `/linkplan/demo/v${i}`);
  const parameters = Object.fromEntries(names.map((n, i) => [`eu-west-1${n}`, `id-${i}`]));
  const { deps, calls } = fakeAws({ parameters });
  const out = await makeHandler(deps)(event('Create', { Call: 'read', Region: 'eu-west-1', Names: names }));
  assert.equal(out.Status, 'SUCCESS');
  assert.deepEqual(out.Data, Object.fromEntries(names.map((_, i) => [`V${i}`, `id-${i}`])));
  const gets = calls.filter((c) => c[0] === 'getParameters');
  assert.deepEqual(
    gets.map((c) => c[3].Names.length),
    [10, 10, 3],
  );
  assert.ok(
    gets.every((c) => c[1] === 'eu-west-1' && c[2] === undefined),
    'same account: own credentials, producer region',
  );
  assert.equal(calls.filter((c) => c[0] === 'assumeRole').length, 0);
  assert.equal(out.PhysicalResourceId, 'linkplan-read-ReadsNetwork');
});

test('a read with RoleArn reads as that role', async () => {
  const { deps, calls } = fakeAws({ parameters: { 'us-east-1/linkplan/demo/tgw': 'tgw-1' } });
  const out = await makeHandler(deps)(
    event('Update', { Call: 'read', Region: 'us-east-1', RoleArn: READER, Names: ['/linkplan/demo/tgw'] }, { PhysicalResourceId: 'kept' }),
  );
  assert.equal(out.Status, 'SUCCESS');
  assert.deepEqual(out.Data, { V0: 'tgw-1' });
  assert.equal(out.PhysicalResourceId, 'kept', 'an update keeps the physical ID');
  const [assume] = calls.filter((c) => c[0] === 'assumeRole');
  assert.equal(assume[1].RoleArn, READER);
  assert.equal(assume[1].RoleSessionName, 'linkplan-ReadsNetwork');
  assert.deepEqual(calls.find((c) => c[0] === 'getParameters')[2], CREDENTIALS);
});

test('a read of something not yet published fails naming it and the region', async () => {
  const { deps } = fakeAws({ parameters: { 'us-east-1/linkplan/demo/a': 'x' } });
  const out = await makeHandler(deps)(
    event('Create', { Call: 'read', Region: 'us-east-1', Names: ['/linkplan/demo/a', '/linkplan/demo/b'] }),
  );
  assert.equal(out.Status, 'FAILED');
  assert.match(
    out.Reason,
    /read \(ReadsNetwork\): not published in us-east-1: \/linkplan\/demo\/b \(deploy the stack that publishes them first\)/,
  );
});

test('a read is not repeated on delete', async () => {
  const { deps, calls } = fakeAws();
  const out = await makeHandler(deps)(
    event('Delete', { Call: 'read', Region: 'us-east-1', Names: ['/linkplan/demo/a'] }, { PhysicalResourceId: 'p' }),
  );
  assert.deepEqual(out, { Status: 'SUCCESS', PhysicalResourceId: 'p' });
  assert.equal(calls.length, 0);
});

test('wrong properties fail with what was expected, before any AWS call', async () => {
  const { deps, calls } = fakeAws();
  const run = makeHandler(deps);
  const cases = [
    [{ Call: 'read', Region: 'nowhere', Names: ['/a'] }, /Region "nowhere" is not a region/],
    [{ Call: 'read', Region: 'us-east-1', Names: [] }, /Names must be a non-empty list of SSM parameter names/],
    [{ Call: 'read', Region: 'us-east-1', Names: ['/a'], RoleArn: 'role' }, /RoleArn "role" is not an IAM role ARN/],
    [{ Call: 'associate-zone', HostedZoneId: 'Z1', VpcRegion: 'us-east-1' }, /property VpcId is required/],
    [
      { Call: 'delete-everything' },
      /unknown Call "delete-everything"; expected one of read, accept-peering, authorize-association, associate-zone/,
    ],
  ];
  for (const [props, reason] of cases) {
    const out = await run(event('Create', props));
    assert.equal(out.Status, 'FAILED', JSON.stringify(props));
    assert.match(out.Reason, reason);
  }
  assert.equal(calls.length, 0);
});

test('accept-peering accepts once, in the peer region', async () => {
  const { deps, calls } = fakeAws();
  const run = makeHandler(deps);
  const props = { Call: 'accept-peering', Region: 'ap-southeast-1', AttachmentId: 'tgw-attach-1' };
  assert.equal((await run(event('Create', props))).Status, 'SUCCESS');
  assert.equal((await run(event('Update', props, { OldResourceProperties: props, PhysicalResourceId: 'p' }))).Status, 'SUCCESS');
  assert.equal(
    (await run(event('Update', { ...props, AttachmentId: 'tgw-attach-2' }, { OldResourceProperties: props, PhysicalResourceId: 'p' })))
      .Status,
    'SUCCESS',
  );
  assert.equal((await run(event('Delete', props, { PhysicalResourceId: 'p' }))).Status, 'SUCCESS');
  assert.deepEqual(calls, [
    ['acceptPeering', 'ap-southeast-1', { TransitGatewayAttachmentId: 'tgw-attach-1' }],
    ['acceptPeering', 'ap-southeast-1', { TransitGatewayAttachmentId: 'tgw-attach-2' }],
  ]);
});

test('an AWS error fails the call with its name and message', async () => {
  const { deps } = fakeAws({ errors: { acceptPeering: awsError('IncorrectState', 'tgw-attach-1 is in state rejected') } });
  const out = await makeHandler(deps)(event('Create', { Call: 'accept-peering', Region: 'us-east-1', AttachmentId: 'tgw-attach-1' }));
  assert.equal(out.Status, 'FAILED');
  assert.match(out.Reason, /accept-peering \(ReadsNetwork\): IncorrectState: tgw-attach-1 is in state rejected/);
});

test('an association authorization is created, and revoked on delete even when already gone', async () => {
  const props = { Call: 'authorize-association', HostedZoneId: 'Z123', VpcId: 'vpc-1', VpcRegion: 'ap-southeast-1' };
  const input = { HostedZoneId: 'Z123', VPC: { VPCId: 'vpc-1', VPCRegion: 'ap-southeast-1' } };
  const ok = fakeAws();
  assert.equal((await makeHandler(ok.deps)(event('Create', props))).Status, 'SUCCESS');
  assert.equal((await makeHandler(ok.deps)(event('Delete', props, { PhysicalResourceId: 'p' }))).Status, 'SUCCESS');
  assert.deepEqual(ok.calls, [
    ['createAssociationAuthorization', input],
    ['deleteAssociationAuthorization', input],
  ]);
  const gone = fakeAws({ errors: { deleteAssociationAuthorization: awsError('VPCAssociationAuthorizationNotFound') } });
  assert.equal((await makeHandler(gone.deps)(event('Delete', props, { PhysicalResourceId: 'p' }))).Status, 'SUCCESS');
  const denied = fakeAws({ errors: { deleteAssociationAuthorization: awsError('AccessDenied') } });
  assert.equal((await makeHandler(denied.deps)(event('Delete', props, { PhysicalResourceId: 'p' }))).Status, 'FAILED');
});

test('associate-zone associates as the VPC account role and disassociates on delete', async () => {
  const assoc = 'arn:aws:iam::333333333333:role/demo-zone-assoc';
  const props = { Call: 'associate-zone', HostedZoneId: 'Z123', VpcId: 'vpc-1', VpcRegion: 'us-east-1', RoleArn: assoc };
  const input = { HostedZoneId: 'Z123', VPC: { VPCId: 'vpc-1', VPCRegion: 'us-east-1' } };
  const { deps, calls } = fakeAws({ errors: {} });
  const run = makeHandler(deps);
  assert.equal((await run(event('Create', props))).Status, 'SUCCESS');
  assert.equal((await run(event('Update', props, { OldResourceProperties: props, PhysicalResourceId: 'p' }))).Status, 'SUCCESS');
  assert.equal((await run(event('Delete', props, { PhysicalResourceId: 'p' }))).Status, 'SUCCESS');
  assert.deepEqual(
    calls.filter((c) => c[0] !== 'assumeRole'),
    [
      ['associate', CREDENTIALS, input],
      ['disassociate', CREDENTIALS, input],
    ],
  );
  assert.ok(calls.filter((c) => c[0] === 'assumeRole').every((c) => c[1].RoleArn === assoc));
  const notThere = fakeAws({ errors: { disassociate: awsError('VPCAssociationNotFound') } });
  assert.equal(
    (await makeHandler(notThere.deps)(event('Delete', { ...props, RoleArn: undefined }, { PhysicalResourceId: 'p' }))).Status,
    'SUCCESS',
  );
  assert.deepEqual(
    notThere.calls.map((c) => c[0]),
    ['disassociate'],
    'same account: no role to assume',
  );
});

test('the reply carries the request fields and goes to the ResponseURL', async () => {
  const puts = [];
  const handle = async () => ({ Status: 'SUCCESS', PhysicalResourceId: 'p', Data: { V0: 'tgw-1' } });
  const out = await reply(event('Create', { Call: 'read' }), handle, 60000, async (url, text) => puts.push([url, JSON.parse(text)]));
  assert.equal(out.Status, 'SUCCESS');
  assert.deepEqual(puts, [
    [
      'https://example.invalid/reply',
      {
        Status: 'SUCCESS',
        PhysicalResourceId: 'p',
        StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/demo/guid',
        RequestId: 'req-1',
        LogicalResourceId: 'ReadsNetwork',
        Data: { V0: 'tgw-1' },
      },
    ],
  ]);
});

test('a reply is sent even when the handler throws or outlives the function', async () => {
  const puts = [];
  const put = async (url, text) => puts.push(JSON.parse(text));
  await reply(
    event('Create', { Call: 'read' }),
    async () => {
      throw new Error('bug');
    },
    60000,
    put,
  );
  await reply(event('Create', { Call: 'read' }), () => new Promise(() => {}), 5010, put);
  assert.deepEqual(
    puts.map((p) => [p.Status, p.Reason]),
    [
      ['FAILED', 'Linkplan: bug'],
      ['FAILED', 'Linkplan: the call did not finish before the function timed out'],
    ],
  );
});

test('a reply that does not get through is sent again, three times at most', async () => {
  let tries = 0;
  const flaky = (failures) => async () => {
    tries++;
    if (tries <= failures) throw new Error('ECONNRESET');
  };
  const handle = async () => ({ Status: 'SUCCESS', PhysicalResourceId: 'p' });
  assert.equal((await reply(event('Create', { Call: 'read' }), handle, 60000, flaky(2), 1)).Status, 'SUCCESS');
  assert.equal(tries, 3);
  tries = 0;
  await assert.rejects(reply(event('Create', { Call: 'read' }), handle, 60000, flaky(3), 1), /ECONNRESET/);
  assert.equal(tries, 3);
});

test('values that would not fit the 4 KB reply fail the read and say so', () => {
  const data = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`V${i}`, 'x'.repeat(60)]));
  const body = JSON.parse(responseBody(event('Create', { Call: 'read' }), { Status: 'SUCCESS', PhysicalResourceId: 'p', Data: data }));
  assert.equal(body.Status, 'FAILED');
  assert.match(body.Reason, new RegExp(`do not fit CloudFormation's ${MAX_RESPONSE_BYTES}-byte reply`));
  assert.equal(body.Data, undefined);
});
