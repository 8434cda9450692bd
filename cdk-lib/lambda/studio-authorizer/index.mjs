// The Studio portal's Lambda authorizer (API Gateway REST API, type REQUEST,
// identity source the Authorization header). It validates the caller's JWT
// against the issuer's published keys and lets a user open only their own
// `GET /studio/{user}`: the portal function behind it trusts the `user` this
// authorizer puts in the request context.
//
// Environment (from the construct):
//   ISSUER          the token issuer, compared exactly with `iss`; a Cognito
//                   user pool (https://cognito-idp.<region>.amazonaws.com/<poolId>)
//                   or any OIDC issuer.
//   AUDIENCE        the app client ID (comma-separated for several). Cognito
//                   access tokens carry it in `client_id` and have no `aud`;
//                   ID tokens (Cognito and generic OIDC) carry it in `aud`.
//                   Either claim matching is accepted, so both kinds of
//                   token work.
//   JWKS_URL        optional. Unset: `${ISSUER}/.well-known/jwks.json` for a
//                   Cognito issuer, else the `jwks_uri` of the issuer's
//                   `/.well-known/openid-configuration`.
//   USERNAME_CLAIM  optional, default `cognito:username` (Cognito ID tokens);
//                   falls back to `username` (Cognito access tokens), then `sub`.
//
// Every failure answers an explicit Deny policy rather than throwing
// 'Unauthorized': the caller learns nothing about why, and the reason goes to
// the function's log as one JSON line (never the token itself).
//
// Authorizer result caching: the Allow covers exactly `event.methodArn`, so a
// cached Allow for /studio/alice never opens /studio/bob. But a cached Deny
// (the user first asked for someone else's path) would also refuse their own
// path until the cache expires, because the cache key is only the
// Authorization header; the construct should set the results TTL to 0.

import { createPublicKey, verify } from 'node:crypto';

const CLOCK_SKEW_SECONDS = 60;
// Keys are cached for the life of the container, refreshed hourly so a key
// the issuer withdrew stops being accepted; an unknown kid (a rotation)
// triggers one refetch, at most once a minute so tokens with made-up kids
// cannot turn every request into a call to the issuer.
const JWKS_MAX_AGE_MS = 60 * 60 * 1000;
const JWKS_REFETCH_INTERVAL_MS = 60 * 1000;
const FETCH_TIMEOUT_MS = 3000;
const MAX_TOKEN_CHARS = 16 * 1024;
const MIN_RSA_BITS = 2048;

// The only algorithms accepted: asymmetric ones whose key must come from the
// issuer's JWKS. `none` and HS* are absent on purpose (HS256 with the public
// key as the HMAC secret is the classic forgery). A Map, so a header `alg`
// such as `constructor` cannot find an inherited property.
const ALGORITHMS = new Map([
  ['RS256', { hash: 'sha256', kty: 'RSA' }],
  ['ES256', { hash: 'sha256', kty: 'EC', crv: 'P-256', signatureBytes: 64 }],
]);

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const COGNITO_HOST = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** A reason to deny; its message is logged, never returned. */
export class TokenError extends Error {}

/** The IAM policy API Gateway expects from an authorizer. */
export function policy(principalId, effect, resource, context) {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
    ...(context ? { context } : {}),
  };
}

/** Splits and decodes a compact JWS; checks only its shape. */
export function parseToken(token) {
  const parts = token.split('.');
  // base64url is checked by hand: Buffer.from(…, 'base64url') skips bad characters silently
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) throw new TokenError('malformed token');
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('malformed token');
  }
  if (!isObject(header) || !isObject(claims)) throw new TokenError('malformed token');
  return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

/** The user a request asks for: the `{user}` path parameter, else the path's last segment. */
export function pathUser(event) {
  const fromParams = event?.pathParameters?.user;
  if (typeof fromParams === 'string' && fromParams) return fromParams;
  const last = typeof event?.path === 'string' ? event.path.split('/').filter(Boolean).pop() : undefined;
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return undefined;
  }
}

/**
 * The handler, with its dependencies injected (tests pass fakes):
 * `deps.fetch(url, init)` → `{ok, status, json()}` (the global fetch),
 * `deps.now()` → milliseconds since the epoch, `deps.log(line)`.
 * Throws at once if the environment is incomplete.
 */
export function makeHandler(deps, env = process.env) {
  const issuer = env.ISSUER;
  if (typeof issuer !== 'string' || !issuer.startsWith('https://')) {
    throw new Error(`ISSUER must be the issuer's https URL, got ${JSON.stringify(issuer)}`);
  }
  const audiences = (env.AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (audiences.length === 0) throw new Error('AUDIENCE (the app client ID) is required');
  const usernameClaims = [...new Set([env.USERNAME_CLAIM || 'cognito:username', 'username', 'sub'])];
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.log;
  const keys = keyStore(deps, env, issuer, log);

  async function validate(token) {
    const { header, claims, signingInput, signature } = parseToken(token);
    if (Array.isArray(header.crit)) throw new TokenError('token has critical header extensions');
    const alg = ALGORITHMS.get(header.alg);
    if (!alg) throw new TokenError(`algorithm ${JSON.stringify(header.alg)} is not allowed`);
    if (typeof header.kid !== 'string' || !header.kid) throw new TokenError('token has no kid');
    // only keys from the issuer's JWKS: header `jwk`/`jku`/`x5u` are ignored
    const key = await keys.get(header.kid, now());
    if (!key) throw new TokenError(`unknown kid ${JSON.stringify(header.kid)}`);
    checkKeyFits(key, header.alg, alg);
    let valid;
    try {
      if (alg.signatureBytes && signature.length !== alg.signatureBytes) throw new Error('length');
      // JWS carries ECDSA signatures as raw r||s, not DER
      const verifyKey = alg.signatureBytes ? { key: key.object, dsaEncoding: 'ieee-p1363' } : key.object;
      valid = verify(alg.hash, Buffer.from(signingInput), verifyKey, signature);
    } catch {
      valid = false;
    }
    if (!valid) throw new TokenError('bad signature');
    checkClaims(claims, now() / 1000);
    const user = usernameClaims.map((c) => claims[c]).find((v) => typeof v === 'string' && v.length > 0);
    if (!user) throw new TokenError(`token has none of the claims ${usernameClaims.join(', ')}`);
    return user;
  }

  function checkClaims(claims, nowSeconds) {
    if (claims.iss !== issuer) throw new TokenError(`issuer ${JSON.stringify(claims.iss)} is not ${issuer}`);
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => audiences.includes(a)) && !audiences.includes(claims.client_id)) {
      throw new TokenError('token is for another audience');
    }
    if (!isNumber(claims.exp)) throw new TokenError('token has no exp');
    if (nowSeconds >= claims.exp + CLOCK_SKEW_SECONDS) throw new TokenError('token expired');
    if (claims.nbf !== undefined && !(isNumber(claims.nbf) && claims.nbf <= nowSeconds + CLOCK_SKEW_SECONDS)) {
      throw new TokenError('token not yet valid (nbf)');
    }
    if (claims.iat !== undefined && !(isNumber(claims.iat) && claims.iat <= nowSeconds + CLOCK_SKEW_SECONDS)) {
      throw new TokenError('token issued in the future (iat)');
    }
    // Cognito marks its tokens; a refresh token (or anything else) is not a credential here
    if (claims.token_use !== undefined && claims.token_use !== 'access' && claims.token_use !== 'id') {
      throw new TokenError(`token_use ${JSON.stringify(claims.token_use)} is not access or id`);
    }
  }

  return async (event) => {
    const methodArn = typeof event?.methodArn === 'string' ? event.methodArn : '*';
    const wanted = pathUser(event);
    let user;
    try {
      const auth = headerValue(event?.headers, 'authorization');
      if (!auth) throw new TokenError('no Authorization header');
      const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (!match) throw new TokenError('Authorization is not a Bearer token');
      if (match[1].length > MAX_TOKEN_CHARS) throw new TokenError('token too long');
      user = await validate(match[1]);
    } catch (err) {
      // a bug or an unreachable issuer also denies; only the log tells them apart
      const reason = err instanceof TokenError ? err.message : `error: ${err?.message ?? err}`;
      log(JSON.stringify({ decision: 'Deny', reason, pathUser: wanted, methodArn }));
      return policy('anonymous', 'Deny', methodArn);
    }
    if (wanted !== user) {
      log(JSON.stringify({ decision: 'Deny', reason: 'path is another user', user, pathUser: wanted, methodArn }));
      return policy(user, 'Deny', methodArn);
    }
    log(JSON.stringify({ decision: 'Allow', user, methodArn }));
    return policy(user, 'Allow', methodArn, { user });
  };
}

/** The issuer's signing keys by kid, fetched lazily and cached (see the intervals above). */
function keyStore(deps, env, issuer, log) {
  const base = issuer.replace(/\/+$/, '');
  let jwksUrl = env.JWKS_URL || (COGNITO_HOST.test(new URL(issuer).hostname) ? `${base}/.well-known/jwks.json` : undefined);
  let keys; // Map kid → { jwk, object }
  let fetchedAt = -Infinity;
  let attemptedAt = -Infinity;

  async function fetchJson(url) {
    const response = await deps.fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  }

  async function refresh(at) {
    attemptedAt = at;
    if (!jwksUrl) {
      const discovery = await fetchJson(`${base}/.well-known/openid-configuration`);
      // OIDC Discovery: the document must name the same issuer
      if (discovery?.issuer !== issuer) throw new Error(`discovery document names issuer ${JSON.stringify(discovery?.issuer)}`);
      if (typeof discovery.jwks_uri !== 'string' || !discovery.jwks_uri.startsWith('https://')) {
        throw new Error('discovery document has no https jwks_uri');
      }
      jwksUrl = discovery.jwks_uri;
    }
    const jwks = await fetchJson(jwksUrl);
    if (!Array.isArray(jwks?.keys)) throw new Error(`${jwksUrl} has no keys`);
    const fresh = new Map();
    for (const jwk of jwks.keys) {
      if (!isObject(jwk) || typeof jwk.kid !== 'string' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      fresh.set(jwk.kid, { jwk, object: undefined });
    }
    keys = fresh;
    fetchedAt = at;
  }

  async function tryRefresh(at) {
    try {
      await refresh(at);
    } catch (err) {
      // keep serving the keys we have; with none, the request is denied
      log(JSON.stringify({ jwks: 'fetch failed', reason: err?.message ?? String(err) }));
      if (!keys) throw err;
    }
  }

  return {
    async get(kid, at) {
      const canRetry = at - attemptedAt >= JWKS_REFETCH_INTERVAL_MS;
      if (!keys) await tryRefresh(at);
      else if (at - fetchedAt >= JWKS_MAX_AGE_MS && canRetry) await tryRefresh(at);
      else if (!keys.has(kid) && canRetry) await tryRefresh(at);
      const entry = keys.get(kid);
      if (entry && !entry.object) {
        try {
          entry.object = createPublicKey({ key: entry.jwk, format: 'jwk' });
        } catch {
          throw new TokenError(`key ${JSON.stringify(kid)} in the JWKS is not usable`);
        }
      }
      return entry;
    },
  };
}

/** The JWKS key must be of the kind the token's algorithm needs. */
function checkKeyFits(key, algName, alg) {
  const { jwk, object } = key;
  if (jwk.kty !== alg.kty || (alg.crv && jwk.crv !== alg.crv) || (jwk.alg !== undefined && jwk.alg !== algName)) {
    throw new TokenError(`key ${JSON.stringify(jwk.kid)} does not fit algorithm ${algName}`);
  }
  if (alg.kty === 'RSA' && (object.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    throw new TokenError(`key ${JSON.stringify(jwk.kid)} is shorter than ${MIN_RSA_BITS} bits`);
  }
}

function headerValue(headers, name) {
  if (!isObject(headers)) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumber(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

/** The deployed handler: the runtime's fetch and clock. */
let deployed;
export const handler = async (event) => {
  deployed ??= makeHandler({ fetch: (url, init) => fetch(url, init), now: Date.now, log: console.log });
  return deployed(event);
};
