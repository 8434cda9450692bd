// The Studio portal's presign function against fake STS and SageMaker clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHandler, roleSessionName } from '../lambda/studio-presign/index.mjs';

const ROLE_A = 'arn:aws:iam::222222222222:role/linkplan-studio-presign-lob-a';
const ROLE_B = 'arn:aws:iam::333333333333:role/linkplan-studio-presign-lob-b';
const DOMAINS = {
  alice: {
    lob: 'lob-a',
    accountId: '222222222222',
    region: 'us-east-1',
    domainId: 'd-aaaa1111',
    domainName: 'studio-lob-a',
    roleArn: ROLE_A,
  },
  bob: { lob: 'lob-b', accountId: '333333333333', region: 'eu-west-1', domainId: null, domainName: 'studio-lob-b', roleArn: ROLE_B },
};
const env = { DOMAINS: JSON.stringify(DOMAINS), TTL_SECONDS: '60', STS_REGION: 'us-east-1' };
const URL_A = 'https://d-aaaa1111.studio.us-east-1.sagemaker.aws/auth?token=fake';
const CREDENTIALS = { AccessKeyId: 'ASIAFAKE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(0) };

const event = (user, pathUser = user) => ({
  resource: '/studio/{user}',
  path: `/studio/${pathUser}`,
  httpMethod: 'GET',
  pathParameters: { user: pathUser },
  requestContext: { authorizer: { principalId: user, user } },
});

/** Fake AWS: records every call; `pages` are the ListDomains answers in order. */
function fakeAws({ pages = [], assumeError, presignError } = {}) {
  const calls = { assumeRole: [], listDomains: [], presign: [] };
  const logs = [];
  const deps = {
    assumeRole: async (input) => {
      calls.assumeRole.push(input);
      if (assumeError) throw assumeError;
      return { Credentials: CREDENTIALS };
    },
    listDomains: async (credentials, region, input) => {
      calls.listDomains.push({ credentials, region, input });
      return pages[calls.listDomains.length - 1];
    },
    createPresignedDomainUrl: async (credentials, region, input) => {
      calls.presign.push({ credentials, region, input });
      if (presignError) throw presignError;
      return { AuthorizedUrl: `https://${input.DomainId}.studio.${region}.sagemaker.aws/auth?token=fake` };
    },
    log: (line) => logs.push(JSON.parse(line)),
  };
  return { deps, calls, logs };
}

const awsError = (name, message) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 403, requestId: 'req-1' } });
const noAwsCalls = (calls) => assert.equal(calls.assumeRole.length + calls.listDomains.length + calls.presign.length, 0);

test('redirects to the presigned URL of the planned domain, through the LOB role', async () => {
  const { deps, calls } = fakeAws();
  const response = await makeHandler(deps, env)(event('alice'));
  assert.deepEqual(response, { statusCode: 302, headers: { Location: URL_A, 'Cache-Control': 'no-store' }, body: '' });
  assert.deepEqual(calls.assumeRole, [{ RoleArn: ROLE_A, RoleSessionName: 'portal-alice', DurationSeconds: 900 }]);
  assert.equal(calls.listDomains.length, 0);
  assert.deepEqual(calls.presign, [
    {
      credentials: CREDENTIALS,
      region: 'us-east-1',
      input: { DomainId: 'd-aaaa1111', UserProfileName: 'alice', ExpiresInSeconds: 60, SessionExpirationDurationInSeconds: 43200 },
    },
  ]);
});

test('passes SESSION_EXPIRATION_SECONDS through', async () => {
  const { deps, calls } = fakeAws();
  await makeHandler(deps, { ...env, SESSION_EXPIRATION_SECONDS: '3600' })(event('alice'));
  assert.equal(calls.presign[0].input.SessionExpirationDurationInSeconds, 3600);
});

test("refuses another user's path with 403 and no AWS call", async () => {
  const { deps, calls } = fakeAws();
  const response = await makeHandler(deps, env)(event('alice', 'bob'));
  assert.equal(response.statusCode, 403);
  assert.match(JSON.parse(response.body).message, /only your own/);
  noAwsCalls(calls);
});

test('refuses a request without an authorizer user, whatever the path says', async () => {
  const { deps, calls } = fakeAws();
  const response = await makeHandler(deps, env)({ ...event('alice'), requestContext: {} });
  assert.equal(response.statusCode, 403);
  noAwsCalls(calls);
});

test('an unmapped user gets 404 with a JSON message and no AWS call', async () => {
  const { deps, calls } = fakeAws();
  const handler = makeHandler(deps, env);
  const response = await handler(event('carol'));
  assert.equal(response.statusCode, 404);
  assert.equal(response.headers['Content-Type'], 'application/json');
  assert.equal(JSON.parse(response.body).message, 'no SageMaker Studio domain is planned for user carol');
  // names of inherited properties are not users either
  for (const user of ['__proto__', 'constructor', 'toString']) assert.equal((await handler(event(user))).statusCode, 404);
  noAwsCalls(calls);
});

test('an AccessDenied from STS answers 502 naming the LOB, without the AWS message', async () => {
  const denied = awsError(
    'AccessDenied',
    `User: arn:aws:sts::111111111111:assumed-role/portal/fn is not authorized to perform: sts:AssumeRole on resource: ${ROLE_A}`,
  );
  const { deps, calls, logs } = fakeAws({ assumeError: denied });
  const response = await makeHandler(deps, env)(event('alice'));
  assert.equal(response.statusCode, 502);
  const { message } = JSON.parse(response.body);
  assert.equal(message, 'could not open SageMaker Studio for LOB lob-a (assume-role: AccessDenied)');
  assert.doesNotMatch(response.body, /arn:aws|at .*\.mjs/);
  assert.equal(calls.presign.length, 0);
  assert.equal(logs[0].requestId, 'req-1');
  assert.match(logs[0].message, /not authorized/);
});

test('a ResourceNotFound from SageMaker answers 502 naming the LOB', async () => {
  const { deps } = fakeAws({ presignError: awsError('ResourceNotFound', 'User profile alice does not exist') });
  const response = await makeHandler(deps, env)(event('alice'));
  assert.equal(response.statusCode, 502);
  assert.equal(JSON.parse(response.body).message, 'could not open SageMaker Studio for LOB lob-a (presign: ResourceNotFound)');
});

test('a domain planned by name is found by exact name over all pages, not as the last InService one', async () => {
  const pages = [
    {
      Domains: [
        { DomainId: 'd-other000', DomainName: 'studio-lob-b-sandbox', Status: 'InService', CreationTime: new Date('2024-01-01') },
        { DomainId: 'd-bbbb2222', DomainName: 'studio-lob-b', Status: 'InService', CreationTime: new Date('2024-02-01') },
      ],
      NextToken: 'page-2',
    },
    { Domains: [{ DomainId: 'd-newest99', DomainName: 'Studio-Lob-B', Status: 'InService', CreationTime: new Date('2025-01-01') }] },
  ];
  const { deps, calls } = fakeAws({ pages });
  const response = await makeHandler(deps, env)(event('bob'));
  assert.equal(response.statusCode, 302);
  assert.equal(response.headers.Location, 'https://d-bbbb2222.studio.eu-west-1.sagemaker.aws/auth?token=fake');
  assert.deepEqual(calls.assumeRole[0].RoleArn, ROLE_B);
  assert.deepEqual(
    calls.listDomains.map((c) => [c.region, c.input, c.credentials]),
    [
      ['eu-west-1', {}, CREDENTIALS],
      ['eu-west-1', { NextToken: 'page-2' }, CREDENTIALS],
    ],
  );
  assert.equal(calls.presign[0].input.DomainId, 'd-bbbb2222');
  assert.equal(calls.presign[0].input.UserProfileName, 'bob');
});

test('two domains with the planned name answer 502 and nothing is presigned', async () => {
  const pages = [
    { Domains: [{ DomainId: 'd-bbbb2222', DomainName: 'studio-lob-b', Status: 'InService' }], NextToken: 'n' },
    { Domains: [{ DomainId: 'd-bbbb3333', DomainName: 'studio-lob-b', Status: 'InService' }] },
  ];
  const { deps, calls, logs } = fakeAws({ pages });
  const response = await makeHandler(deps, env)(event('bob'));
  assert.equal(response.statusCode, 502);
  assert.equal(JSON.parse(response.body).message, 'could not open SageMaker Studio for LOB lob-b (resolve-domain: DomainNameAmbiguous)');
  assert.equal(calls.presign.length, 0);
  assert.match(logs[0].message, /2 domains named "studio-lob-b".*d-bbbb2222.*d-bbbb3333/);
});

test('no domain with the planned name answers 502', async () => {
  const { deps, calls } = fakeAws({ pages: [{ Domains: [] }] });
  const response = await makeHandler(deps, env)(event('bob'));
  assert.equal(response.statusCode, 502);
  assert.match(JSON.parse(response.body).message, /lob-b \(resolve-domain: DomainNotFound\)/);
  assert.equal(calls.presign.length, 0);
});

test('refuses to start with TTL_SECONDS outside 5–300', () => {
  const { deps } = fakeAws();
  for (const ttl of ['4', '301', '0', '60.5', 'sixty']) {
    assert.throws(() => makeHandler(deps, { ...env, TTL_SECONDS: ttl }), /TTL_SECONDS must be an integer from 5 to 300/);
  }
  for (const ttl of ['5', '300']) assert.doesNotThrow(() => makeHandler(deps, { ...env, TTL_SECONDS: ttl }));
});

test('refuses to start with SESSION_EXPIRATION_SECONDS outside 1800–43200', () => {
  const { deps } = fakeAws();
  for (const s of ['1799', '43201']) {
    assert.throws(() => makeHandler(deps, { ...env, SESSION_EXPIRATION_SECONDS: s }), /SESSION_EXPIRATION_SECONDS/);
  }
});

test('refuses to start with a DOMAINS map the plan could not have written', () => {
  const { deps } = fakeAws();
  const withAlice = (patch) => ({ ...env, DOMAINS: JSON.stringify({ alice: { ...DOMAINS.alice, ...patch } }) });
  assert.throws(() => makeHandler(deps, { ...env, DOMAINS: undefined }), /DOMAINS must be the JSON/);
  assert.throws(() => makeHandler(deps, { ...env, DOMAINS: '[]' }), /JSON object/);
  assert.throws(() => makeHandler(deps, withAlice({ domainId: null, domainName: undefined })), /needs a domainId or a domainName/);
  assert.throws(() => makeHandler(deps, withAlice({ roleArn: ROLE_B })), /not in account 222222222222/);
  assert.throws(() => makeHandler(deps, withAlice({ accountId: '2222' })), /12-digit/);
});

test('role session names keep to what STS allows', () => {
  assert.equal(roleSessionName('alice'), 'portal-alice');
  assert.equal(roleSessionName('Jane Doe/ops+x@corp.example'), 'portal-Jane_Doe_ops+x@corp.example');
  assert.equal(roleSessionName('x'.repeat(100)).length, 64);
});
