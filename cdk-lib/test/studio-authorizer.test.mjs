// The Studio portal's JWT authorizer against keys and tokens made here with
// node:crypto, and a fake JWKS endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, createHmac } from 'node:crypto';
import { makeHandler } from '../lambda/studio-authorizer/index.mjs';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const CLIENT_ID = 'portalclient123';
const env = { ISSUER, AUDIENCE: CLIENT_ID };
const NOW = 1_750_000_000; // seconds
const ARN = 'arn:aws:execute-api:us-east-1:111111111111:abc123/prod/GET/studio/alice';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = (pair, kid, alg) => ({ ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' });
const JWKS = { keys: [jwk(rsa, 'rsa-1', 'RS256'), jwk(ec, 'ec-1', 'ES256')] };

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A compact JWS; `alg` picks how it is signed (RS256, ES256, HS256 with `secret`, none). */
function token(claims, { alg = 'RS256', kid = 'rsa-1', key = rsa.privateKey, secret, header = {} } = {}) {
  const input = `${b64({ alg, kid, typ: 'JWT', ...header })}.${b64(claims)}`;
  let sig = '';
  if (alg === 'RS256') sig = sign('sha256', Buffer.from(input), key).toString('base64url');
  if (alg === 'ES256') sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  if (alg === 'HS256') sig = createHmac('sha256', secret).update(input).digest('base64url');
  return `${input}.${sig}`;
}

/** Cognito access-token claims for `user`, valid at NOW. */
const accessClaims = (user = 'alice', extra = {}) => ({
  sub: 'b1a2c3d4-0000-4000-8000-000000000000',
  iss: ISSUER,
  client_id: CLIENT_ID,
  token_use: 'access',
  scope: 'openid',
  auth_time: NOW - 100,
  iat: NOW - 100,
  exp: NOW + 3500,
  username: user,
  ...extra,
});

const event = (jwt, user = 'alice') => ({
  type: 'REQUEST',
  methodArn: ARN.replace(/alice$/, user),
  resource: '/studio/{user}',
  path: `/studio/${user}`,
  httpMethod: 'GET',
  headers: jwt === undefined ? { Host: 'abc123-vpce-0123.execute-api.us-east-1.vpce.amazonaws.com' } : { Authorization: `Bearer ${jwt}` },
  pathParameters: { user },
});

/** A fake fetch serving `docs` by URL, and a settable clock. */
function setup(docs = { [`${ISSUER}/.well-known/jwks.json`]: JWKS }, handlerEnv = env) {
  const calls = [];
  const logs = [];
  const clock = { ms: NOW * 1000 };
  const fetch = async (url) => {
    calls.push(url);
    const doc = docs[url];
    return { ok: doc !== undefined, status: doc === undefined ? 404 : 200, json: async () => doc };
  };
  const handler = makeHandler({ fetch, now: () => clock.ms, log: (line) => logs.push(JSON.parse(line)) }, handlerEnv);
  return { handler, calls, logs, clock };
}

function assertDecision(result, effect, resource = ARN) {
  assert.equal(result.policyDocument.Version, '2012-10-17');
  assert.deepEqual(result.policyDocument.Statement, [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }]);
}

test('allows the right user on exactly the method ARN, with the user in the context', async () => {
  const { handler, calls, logs } = setup();
  const result = await handler(event(token(accessClaims())));
  assertDecision(result, 'Allow');
  assert.equal(result.principalId, 'alice');
  assert.deepEqual(result.context, { user: 'alice' });
  assert.deepEqual(calls, [`${ISSUER}/.well-known/jwks.json`]);
  assert.equal(logs[0].decision, 'Allow');
});

test("denies a valid token used on another user's path", async () => {
  const { handler, logs } = setup();
  const wrongArn = ARN.replace(/alice$/, 'bob');
  const result = await handler(event(token(accessClaims('alice')), 'bob'));
  assertDecision(result, 'Deny', wrongArn);
  assert.equal(result.principalId, 'alice');
  assert.equal(result.context, undefined);
  assert.equal(logs[0].reason, 'path is another user');
});

test('takes the path user from the last path segment when there are no path parameters', async () => {
  const { handler } = setup();
  const e = { ...event(token(accessClaims('alice'))), pathParameters: null, path: '/studio/bob' };
  assertDecision(await handler(e), 'Deny');
  assertDecision(await handler({ ...e, path: '/studio/alice' }), 'Allow');
});

test('an unknown kid refetches the JWKS once, then is denied', async () => {
  const { handler, calls, clock, logs } = setup();
  assertDecision(await handler(event(token(accessClaims()))), 'Allow');
  clock.ms += 5 * 60 * 1000;
  const result = await handler(event(token(accessClaims(), { kid: 'rotated-away' })));
  assertDecision(result, 'Deny');
  assert.equal(result.principalId, 'anonymous');
  assert.equal(calls.length, 2);
  assert.match(logs.at(-1).reason, /unknown kid/);
  // made-up kids right after a refetch do not reach the issuer again
  assertDecision(await handler(event(token(accessClaims(), { kid: 'another-made-up-kid' }))), 'Deny');
  assert.equal(calls.length, 2);
});

test('a key rotated in after the first fetch is found by the refetch', async () => {
  const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const docs = { [`${ISSUER}/.well-known/jwks.json`]: JWKS };
  const { handler, calls, clock } = setup(docs);
  assertDecision(await handler(event(token(accessClaims()))), 'Allow');
  docs[`${ISSUER}/.well-known/jwks.json`] = { keys: [...JWKS.keys, jwk(rotated, 'rsa-2', 'RS256')] };
  clock.ms += 2 * 60 * 1000;
  assertDecision(await handler(event(token(accessClaims(), { kid: 'rsa-2', key: rotated.privateKey }))), 'Allow');
  assert.equal(calls.length, 2);
});

test('denies an expired token, allowing up to 60 s of clock skew', async () => {
  const { handler, logs } = setup();
  assertDecision(await handler(event(token(accessClaims('alice', { exp: NOW - 61 })))), 'Deny');
  assert.equal(logs.at(-1).reason, 'token expired');
  assertDecision(await handler(event(token(accessClaims('alice', { exp: NOW - 30 })))), 'Allow');
});

test('denies a token not yet valid or issued in the future', async () => {
  const { handler } = setup();
  assertDecision(await handler(event(token(accessClaims('alice', { nbf: NOW + 120 })))), 'Deny');
  assertDecision(await handler(event(token(accessClaims('alice', { iat: NOW + 120 })))), 'Deny');
});

test('denies a bad signature: another key under the same kid, or a tampered payload', async () => {
  const { handler, logs } = setup();
  assertDecision(await handler(event(token(accessClaims(), { key: other.privateKey }))), 'Deny');
  assert.equal(logs.at(-1).reason, 'bad signature');
  const [h, , s] = token(accessClaims('alice')).split('.');
  const forged = `${h}.${b64(accessClaims('alice', { exp: NOW + 999_999 }))}.${s}`;
  assertDecision(await handler(event(forged)), 'Deny');
  assert.equal(logs.at(-1).reason, 'bad signature');
});

test('denies a wrong issuer', async () => {
  const { handler, logs } = setup();
  const iss = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other';
  assertDecision(await handler(event(token(accessClaims('alice', { iss })))), 'Deny');
  assert.match(logs.at(-1).reason, /^issuer/);
  // exact comparison: a trailing slash is another issuer
  assertDecision(await handler(event(token(accessClaims('alice', { iss: `${ISSUER}/` })))), 'Deny');
});

test('denies a wrong audience, in client_id or aud', async () => {
  const { handler, logs } = setup();
  assertDecision(await handler(event(token(accessClaims('alice', { client_id: 'someoneelse' })))), 'Deny');
  assert.equal(logs.at(-1).reason, 'token is for another audience');
  const idClaims = { ...accessClaims('alice'), client_id: undefined, token_use: 'id', aud: 'someoneelse', 'cognito:username': 'alice' };
  assertDecision(await handler(event(token(idClaims))), 'Deny');
});

test('accepts a Cognito ID token (aud, cognito:username)', async () => {
  const { handler } = setup();
  // eslint-disable-next-line no-unused-vars -- dropped from the access token's claims
  const { client_id, username, ...rest } = accessClaims('alice');
  const result = await handler(event(token({ ...rest, token_use: 'id', aud: CLIENT_ID, 'cognito:username': 'alice' })));
  assertDecision(result, 'Allow');
  assert.equal(result.principalId, 'alice');
});

test('denies a refresh-like token_use', async () => {
  const { handler } = setup();
  assertDecision(await handler(event(token(accessClaims('alice', { token_use: 'refresh' })))), 'Deny');
});

test('denies alg none and HS256 signed with the public key', async () => {
  const { handler, logs } = setup();
  assertDecision(await handler(event(token(accessClaims(), { alg: 'none' }))), 'Deny');
  assert.match(logs.at(-1).reason, /algorithm "none" is not allowed/);
  const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
  assertDecision(await handler(event(token(accessClaims(), { alg: 'HS256', secret: publicPem }))), 'Deny');
  assert.match(logs.at(-1).reason, /algorithm "HS256" is not allowed/);
  assertDecision(await handler(event(token(accessClaims(), { alg: 'constructor' }))), 'Deny');
});

test('denies an RS256 header pointing at the EC key', async () => {
  const { handler, logs } = setup();
  assertDecision(await handler(event(token(accessClaims(), { kid: 'ec-1' }))), 'Deny');
  assert.match(logs.at(-1).reason, /does not fit algorithm RS256/);
});

test('accepts ES256', async () => {
  const { handler } = setup();
  assertDecision(await handler(event(token(accessClaims(), { alg: 'ES256', kid: 'ec-1', key: ec.privateKey }))), 'Allow');
});

test('denies a missing or malformed Authorization header without throwing', async () => {
  const { handler, logs, calls } = setup();
  const missing = await handler(event(undefined));
  assertDecision(missing, 'Deny');
  assert.equal(missing.principalId, 'anonymous');
  assert.equal(logs.at(-1).reason, 'no Authorization header');
  assertDecision(await handler({ ...event(undefined), headers: null }), 'Deny');
  assertDecision(await handler({ ...event(undefined), headers: { authorization: 'Basic YWxpY2U6cHc=' } }), 'Deny');
  assertDecision(await handler({ ...event(undefined), headers: { authorization: 'Bearer not.a.jwt!' } }), 'Deny');
  assert.equal(calls.length, 0);
  // the token never reaches the log
  assert.ok(logs.every((l) => !JSON.stringify(l).includes('YWxpY2U6cHc')));
});

test('caches the JWKS across calls', async () => {
  const { handler, calls } = setup();
  assertDecision(await handler(event(token(accessClaims()))), 'Allow');
  assertDecision(await handler(event(token(accessClaims()))), 'Allow');
  assert.equal(calls.length, 1);
});

test('an unreachable JWKS denies, and the next call tries again', async () => {
  const docs = {};
  const { handler, calls, logs } = setup(docs);
  assertDecision(await handler(event(token(accessClaims()))), 'Deny');
  assert.match(logs.at(-1).reason, /answered 404/);
  docs[`${ISSUER}/.well-known/jwks.json`] = JWKS;
  assertDecision(await handler(event(token(accessClaims()))), 'Allow');
  assert.equal(calls.length, 2);
});

test('a generic OIDC issuer is discovered through openid-configuration', async () => {
  const issuer = 'https://login.example.com/realms/lob';
  const docs = {
    [`${issuer}/.well-known/openid-configuration`]: { issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs` },
    [`${issuer}/protocol/openid-connect/certs`]: JWKS,
  };
  const { handler, calls } = setup(docs, { ISSUER: issuer, AUDIENCE: CLIENT_ID, USERNAME_CLAIM: 'preferred_username' });
  const claims = { iss: issuer, aud: [CLIENT_ID, 'account'], sub: 'f00', preferred_username: 'alice', iat: NOW, exp: NOW + 300 };
  const result = await handler(event(token(claims)));
  assertDecision(result, 'Allow');
  assert.equal(result.principalId, 'alice');
  assert.deepEqual(calls, Object.keys(docs));
});

test('an explicit JWKS_URL is used as is', async () => {
  const url = 'https://keys.example.com/jwks.json';
  const { handler, calls } = setup({ [url]: JWKS }, { ...env, JWKS_URL: url });
  assertDecision(await handler(event(token(accessClaims()))), 'Allow');
  assert.deepEqual(calls, [url]);
});

test('refuses to start without an https ISSUER or an AUDIENCE', () => {
  assert.throws(() => makeHandler({}, { AUDIENCE: CLIENT_ID }), /ISSUER/);
  assert.throws(() => makeHandler({}, { ISSUER: 'http://insecure.example.com', AUDIENCE: CLIENT_ID }), /ISSUER/);
  assert.throws(() => makeHandler({}, { ISSUER }), /AUDIENCE/);
});
