// The Studio portal's function (a VPC Lambda behind the JWT authorizer,
// proxy integration of `GET /studio/{user}` on the private REST API): it
// maps the signed-in user to their line of business, assumes that LOB's
// presigned-URL role, asks SageMaker for a presigned Studio URL on the
// domain the plan names, and redirects the browser there.
//
// Environment (from the construct, out of the plan):
//   DOMAINS   JSON: { "<user>": { lob, accountId, region, domainId | null,
//             domainName, roleArn } }. The user's profile name in the domain
//             is the user name. The construct passes `domainId` when it is
//             known at synth (the plan's domain is created in the same app)
//             and only `domainName` otherwise (an existing domain in the LOB
//             account); then the ID is looked up by that exact name and
//             exactly one domain must carry it. The function never picks a
//             domain by itself (no "the last InService one").
//   TTL_SECONDS                 lifetime of the presigned URL, 5–300 (the API's
//                               range; default 300, the API's default).
//   SESSION_EXPIRATION_SECONDS  Studio session length once signed in,
//                               1800–43200, default 43200.
//   STS_REGION                  where STS is called, on its regional endpoint
//                               (reached through the VPC's STS endpoint);
//                               default the function's own region.

const TTL_RANGE = [5, 300];
const SESSION_RANGE = [1800, 43200];
const ROLE_SESSION_SECONDS = 900;

/** A plan or environment mistake: the function refuses to start. */
export class ConfigError extends Error {}

/** A step against the LOB's account failed; the body names the LOB, the log has the details. */
class UpstreamError extends Error {
  constructor(step, cause) {
    super(`${step}: ${cause?.message ?? cause}`);
    this.step = step;
    this.code = cause?.name ?? cause?.Code ?? 'Error';
    this.cause = cause;
  }
}

/** `portal-<user>` in the characters and length STS allows for RoleSessionName. */
export function roleSessionName(user) {
  return `portal-${user}`.replace(/[^\w+=,.@-]/g, '_').slice(0, 64);
}

/** An integer setting within [min, max], or its default when unset. */
function intSetting(env, name, [min, max], fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** DOMAINS, checked entry by entry so a plan mistake is caught at start, not at a user's click. */
export function parseDomains(raw) {
  let domains;
  try {
    domains = JSON.parse(raw ?? '');
  } catch {
    throw new ConfigError('DOMAINS must be the JSON user → domain map written by the construct');
  }
  if (typeof domains !== 'object' || domains === null || Array.isArray(domains)) {
    throw new ConfigError('DOMAINS must be a JSON object keyed by user name');
  }
  // a Map: a user named `__proto__` or `constructor` must not find anything inherited
  const map = new Map();
  for (const [user, d] of Object.entries(domains)) {
    const where = `DOMAINS[${JSON.stringify(user)}]`;
    if (typeof d !== 'object' || d === null) throw new ConfigError(`${where} must be an object`);
    if (typeof d.lob !== 'string' || !d.lob) throw new ConfigError(`${where}.lob is required`);
    if (!/^\d{12}$/.test(d.accountId ?? '')) throw new ConfigError(`${where}.accountId must be a 12-digit account ID`);
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(d.region ?? '')) throw new ConfigError(`${where}.region is not a region`);
    const role = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/.exec(d.roleArn ?? '');
    if (!role) throw new ConfigError(`${where}.roleArn must be an IAM role ARN`);
    if (role[1] !== d.accountId) throw new ConfigError(`${where}.roleArn is not in account ${d.accountId}`);
    const hasId = d.domainId !== undefined && d.domainId !== null;
    if (hasId && !/^d-[a-z0-9]+$/.test(d.domainId)) throw new ConfigError(`${where}.domainId is not a domain ID`);
    if (!hasId && (typeof d.domainName !== 'string' || !d.domainName)) {
      throw new ConfigError(`${where} needs a domainId or a domainName`);
    }
    map.set(user, { ...d, domainId: hasId ? d.domainId : undefined });
  }
  return map;
}

/**
 * The handler, with its AWS clients injected (tests pass fakes):
 * `deps.assumeRole(input)` → `{Credentials}`,
 * `deps.listDomains(credentials, region, {NextToken})` → `{Domains, NextToken}`,
 * `deps.createPresignedDomainUrl(credentials, region, input)` → `{AuthorizedUrl}`,
 * `deps.log(line)` optional.
 * Throws a ConfigError at once if the environment is wrong.
 */
export function makeHandler(deps, env = process.env) {
  const domains = parseDomains(env.DOMAINS);
  const ttl = intSetting(env, 'TTL_SECONDS', TTL_RANGE, 300);
  const sessionSeconds = intSetting(env, 'SESSION_EXPIRATION_SECONDS', SESSION_RANGE, 43200);
  const log = deps.log ?? console.log;

  async function step(name, call) {
    try {
      return await call();
    } catch (err) {
      throw err instanceof UpstreamError ? err : new UpstreamError(name, err);
    }
  }

  /** The one domain in the LOB's account and region with exactly this name. */
  async function domainIdByName(credentials, entry) {
    const matches = [];
    let NextToken;
    do {
      const page = await deps.listDomains(credentials, entry.region, NextToken ? { NextToken } : {});
      for (const d of page?.Domains ?? []) if (d.DomainName === entry.domainName) matches.push(d);
      NextToken = page?.NextToken;
    } while (NextToken);
    if (matches.length !== 1) {
      const found = matches.map((d) => `${d.DomainId} (${d.Status})`).join(', ');
      throw new UpstreamError('resolve-domain', {
        name: matches.length === 0 ? 'DomainNotFound' : 'DomainNameAmbiguous',
        message: `${matches.length} domains named ${JSON.stringify(entry.domainName)} in ${entry.accountId}/${entry.region}${found ? `: ${found}` : ''}`,
      });
    }
    return matches[0].DomainId;
  }

  return async (event) => {
    // the user is the one the authorizer validated; the path only has to agree
    const user = event?.requestContext?.authorizer?.user;
    if (typeof user !== 'string' || !user) return json(403, 'no authenticated user');
    const fromPath = event?.pathParameters?.user ?? lastSegment(event?.path);
    if (fromPath !== undefined && fromPath !== user) return json(403, 'you may open only your own Studio');
    const entry = domains.get(user);
    if (!entry) return json(404, `no SageMaker Studio domain is planned for user ${user}`);

    try {
      const assumed = await step('assume-role', () =>
        deps.assumeRole({ RoleArn: entry.roleArn, RoleSessionName: roleSessionName(user), DurationSeconds: ROLE_SESSION_SECONDS }),
      );
      const credentials = assumed.Credentials;
      const domainId = entry.domainId ?? (await step('resolve-domain', () => domainIdByName(credentials, entry)));
      const presigned = await step('presign', () =>
        deps.createPresignedDomainUrl(credentials, entry.region, {
          DomainId: domainId,
          UserProfileName: user,
          ExpiresInSeconds: ttl,
          SessionExpirationDurationInSeconds: sessionSeconds,
        }),
      );
      if (typeof presigned?.AuthorizedUrl !== 'string')
        throw new UpstreamError('presign', { name: 'NoUrl', message: 'no AuthorizedUrl in the answer' });
      log(JSON.stringify({ user, lob: entry.lob, accountId: entry.accountId, domainId, outcome: 'redirect' }));
      return { statusCode: 302, headers: { Location: presigned.AuthorizedUrl, 'Cache-Control': 'no-store' }, body: '' };
    } catch (err) {
      // the AWS message names roles and accounts: it goes to the log, the browser gets the LOB and the error code
      const upstream = err instanceof UpstreamError ? err : new UpstreamError('unexpected', err);
      log(
        JSON.stringify({
          user,
          lob: entry.lob,
          accountId: entry.accountId,
          step: upstream.step,
          code: upstream.code,
          message: upstream.cause?.message,
          requestId: upstream.cause?.$metadata?.requestId,
        }),
      );
      return json(502, `could not open SageMaker Studio for LOB ${entry.lob} (${upstream.step}: ${upstream.code})`);
    }
  };
}

function json(statusCode, message) {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: JSON.stringify({ message }),
  };
}

function lastSegment(path) {
  const last = typeof path === 'string' ? path.split('/').filter(Boolean).pop() : undefined;
  if (last === undefined) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * The AWS SDK v3 clients of the Lambda runtime: STS on its regional endpoint,
 * SageMaker in the LOB's region. Loaded on first use, so a wrong environment
 * fails with its ConfigError before any SDK is imported.
 */
function sdkDeps(env) {
  let loaded;
  const load = () =>
    (loaded ??= (async () => {
      const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
      const { SageMakerClient, CreatePresignedDomainUrlCommand, ListDomainsCommand } = await import('@aws-sdk/client-sagemaker');
      const stsRegion = env.STS_REGION || env.AWS_REGION;
      const sts = new STSClient({ region: stsRegion, endpoint: `https://sts.${stsRegion}.amazonaws.com` });
      // one client per assumed session and region (a by-name lookup and the presign share it)
      const clients = new WeakMap();
      const sagemaker = (c, region) => {
        let byRegion = clients.get(c);
        if (!byRegion) clients.set(c, (byRegion = new Map()));
        if (!byRegion.has(region)) {
          const credentials = {
            accessKeyId: c.AccessKeyId,
            secretAccessKey: c.SecretAccessKey,
            sessionToken: c.SessionToken,
            expiration: c.Expiration,
          };
          byRegion.set(region, new SageMakerClient({ region, credentials }));
        }
        return byRegion.get(region);
      };
      return {
        assumeRole: (input) => sts.send(new AssumeRoleCommand(input)),
        listDomains: (c, region, input) => sagemaker(c, region).send(new ListDomainsCommand(input)),
        createPresignedDomainUrl: (c, region, input) => sagemaker(c, region).send(new CreatePresignedDomainUrlCommand(input)),
      };
    })());
  return {
    assumeRole: async (input) => (await load()).assumeRole(input),
    listDomains: async (c, region, input) => (await load()).listDomains(c, region, input),
    createPresignedDomainUrl: async (c, region, input) => (await load()).createPresignedDomainUrl(c, region, input),
  };
}

let deployed;
export const handler = async (event) => {
  // a ConfigError here fails every call (API Gateway answers 502) until the plan is fixed
  deployed ??= makeHandler(sdkDeps(process.env), process.env);
  return deployed(event);
};
