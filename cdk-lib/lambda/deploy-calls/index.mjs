// The deploy-time calls of a Linkplan stack: one CloudFormation custom
// resource provider per stack, backing every `Custom::Linkplan*` resource of
// that stack. It replaces aws-cdk-lib's AwsCustomResource so that a stack
// reads all the values it needs from one producer with one resource (not one
// resource, policy and JSON-encoded SDK call per value), and so each call
// does exactly one documented thing with its errors named.
//
// Calls (the resource's `Call` property):
//   read                  Region, Names[], RoleArn?: the SSM parameters'
//                         values, as attributes V0, V1, ... in the order of
//                         Names. With RoleArn, read as that role (the
//                         producer stack's reader role in another account).
//   accept-peering        Region, AttachmentId: accepts a transit gateway
//                         peering attachment in the peer region.
//   authorize-association HostedZoneId, VpcId, VpcRegion: lets another
//                         account associate its VPC with this account's
//                         private zone; revoked on delete.
//   associate-zone        HostedZoneId, VpcId, VpcRegion, RoleArn?: associates
//                         the VPC with the zone (as RoleArn, in the VPC's
//                         account, when given); disassociated on delete.
//
// The handler answers CloudFormation itself (a PUT to the presigned
// ResponseURL) and always answers, also on a bug or before the function
// times out, so a stack never waits an hour for a lost reply.

/** A custom resource's reply body may not exceed 4,096 bytes. */
export const MAX_RESPONSE_BYTES = 4096;
/** SSM GetParameters takes at most 10 names per call. */
const GET_PARAMETERS_BATCH = 10;
const ROLE_SESSION_SECONDS = 900;
/** Tries at delivering the reply to CloudFormation. */
const PUT_ATTEMPTS = 3;

/** A mistake in the resource's properties: the call fails with this message. */
export class CallError extends Error {}

function required(props, name) {
  const value = props?.[name];
  if (typeof value !== 'string' || value === '') throw new CallError(`property ${name} is required`);
  return value;
}

function region(props) {
  const value = required(props, 'Region');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)) throw new CallError(`Region ${JSON.stringify(value)} is not a region`);
  return value;
}

function roleArn(props) {
  const value = props?.RoleArn;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(value))
    throw new CallError(`RoleArn ${JSON.stringify(value)} is not an IAM role ARN`);
  return value;
}

function vpc(props) {
  return { VPCId: required(props, 'VpcId'), VPCRegion: required(props, 'VpcRegion') };
}

/** An AWS error of one of `names` (SDK v3 sets `name`; some services only `Code`). */
function isError(error, ...names) {
  return names.includes(error?.name) || names.includes(error?.Code);
}

/**
 * The calls against `deps` (the AWS operations, faked in tests). Returns the
 * reply for CloudFormation without its request fields:
 * `{ Status, Reason?, PhysicalResourceId, Data? }`.
 */
export function makeHandler(deps) {
  const session = async (arn, event) => {
    if (!arn) return undefined;
    const out = await deps.assumeRole({
      RoleArn: arn,
      RoleSessionName: `linkplan-${event.LogicalResourceId}`.replace(/[^\w+=,.@-]/g, '_').slice(0, 64),
      DurationSeconds: ROLE_SESSION_SECONDS,
    });
    return out.Credentials;
  };

  const calls = {
    async read(event, props) {
      if (event.RequestType === 'Delete') return {};
      const names = props.Names;
      if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string' || !n.startsWith('/'))) {
        throw new CallError('property Names must be a non-empty list of SSM parameter names');
      }
      const where = region(props);
      const credentials = await session(roleArn(props), event);
      const values = new Map();
      const missing = [];
      for (let i = 0; i < names.length; i += GET_PARAMETERS_BATCH) {
        const batch = [...new Set(names.slice(i, i + GET_PARAMETERS_BATCH))];
        const out = await deps.getParameters(where, credentials, { Names: batch });
        for (const p of out.Parameters ?? []) values.set(p.Name, p.Value);
        missing.push(...(out.InvalidParameters ?? []));
      }
      for (const n of names) if (!values.has(n) && !missing.includes(n)) missing.push(n);
      if (missing.length > 0) {
        throw new CallError(`not published in ${where}: ${missing.join(', ')} (deploy the stack that publishes them first)`);
      }
      const data = {};
      names.forEach((n, i) => {
        data[`V${i}`] = values.get(n);
      });
      return { data };
    },

    async 'accept-peering'(event, props) {
      if (event.RequestType === 'Delete') return {};
      const attachmentId = required(props, 'AttachmentId');
      if (event.RequestType === 'Update' && event.OldResourceProperties?.AttachmentId === attachmentId) return {};
      await deps.acceptPeering(region(props), { TransitGatewayAttachmentId: attachmentId });
      return {};
    },

    async 'authorize-association'(event, props) {
      const input = { HostedZoneId: required(props, 'HostedZoneId'), VPC: vpc(props) };
      if (event.RequestType === 'Delete') {
        try {
          await deps.deleteAssociationAuthorization(input);
        } catch (error) {
          if (!isError(error, 'VPCAssociationAuthorizationNotFound', 'NoSuchHostedZone', 'InvalidVPCId')) throw error;
        }
        return {};
      }
      await deps.createAssociationAuthorization(input);
      return {};
    },

    async 'associate-zone'(event, props) {
      const input = { HostedZoneId: required(props, 'HostedZoneId'), VPC: vpc(props) };
      const credentials = await session(roleArn(props), event);
      if (event.RequestType === 'Delete') {
        try {
          await deps.disassociate(credentials, input);
        } catch (error) {
          if (!isError(error, 'VPCAssociationNotFound', 'NoSuchHostedZone', 'InvalidVPCId')) throw error;
        }
        return {};
      }
      if (event.RequestType === 'Update') {
        const old = event.OldResourceProperties ?? {};
        if (old.HostedZoneId === input.HostedZoneId && old.VpcId === input.VPC.VPCId && old.VpcRegion === input.VPC.VPCRegion) return {};
      }
      await deps.associate(credentials, input);
      return {};
    },
  };

  return async (event) => {
    const props = event.ResourceProperties ?? {};
    // the same physical ID for the resource's whole life: CloudFormation never replaces it behind our back
    const physicalId = event.PhysicalResourceId ?? `linkplan-${props.Call}-${event.LogicalResourceId}`;
    try {
      const call = Object.hasOwn(calls, props.Call) ? calls[props.Call] : undefined;
      if (!call) throw new CallError(`unknown Call ${JSON.stringify(props.Call)}; expected one of ${Object.keys(calls).join(', ')}`);
      const { data } = await call(event, props);
      return { Status: 'SUCCESS', PhysicalResourceId: physicalId, ...(data ? { Data: data } : {}) };
    } catch (error) {
      const what = error instanceof CallError ? error.message : `${error?.name ?? 'Error'}: ${error?.message ?? error}`;
      return {
        Status: 'FAILED',
        PhysicalResourceId: physicalId,
        Reason: `Linkplan ${props.Call ?? 'call'} (${event.LogicalResourceId}): ${what}`.slice(0, 1000),
      };
    }
  };
}

/** The whole reply to CloudFormation; a `Data` too large for it turns into a failure that says so. */
export function responseBody(event, result) {
  const body = {
    Status: result.Status,
    Reason: result.Reason ?? (result.Status === 'FAILED' ? 'failed' : undefined),
    PhysicalResourceId: result.PhysicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(result.Data ? { Data: result.Data } : {}),
  };
  const text = JSON.stringify(body);
  if (Buffer.byteLength(text) <= MAX_RESPONSE_BYTES) return text;
  return JSON.stringify({
    ...body,
    Status: 'FAILED',
    Reason: `Linkplan: the values read (${Buffer.byteLength(JSON.stringify(result.Data))} bytes) do not fit CloudFormation's ${MAX_RESPONSE_BYTES}-byte reply; split the read`,
    Data: undefined,
  });
}

/** PUT the reply to the presigned S3 URL CloudFormation gave. */
async function send(url, text) {
  const { request } = await import('node:https');
  await new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(text) } }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode >= 200 && res.statusCode < 300 ? resolve() : reject(new Error(`reply refused: HTTP ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(text);
  });
}

/**
 * The AWS SDK v3 clients of the Lambda runtime, loaded on first use. STS is
 * the SDK's default, the regional endpoint of the function's region; every
 * client honours AWS_ENDPOINT_URL (how the tests point them at moto).
 */
export function sdkDeps(env) {
  let loaded;
  const load = () =>
    (loaded ??= (async () => {
      const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
      const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
      const { EC2Client, AcceptTransitGatewayPeeringAttachmentCommand } = await import('@aws-sdk/client-ec2');
      const r53 = await import('@aws-sdk/client-route-53');
      const home = env.AWS_REGION;
      const sts = new STSClient({ region: home });
      const asCredentials = (c) =>
        c && { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
      // Route 53 is global: its API is served from us-east-1 in the aws partition
      const route53 = (c) => new r53.Route53Client({ region: 'us-east-1', credentials: asCredentials(c) });
      return {
        assumeRole: (input) => sts.send(new AssumeRoleCommand(input)),
        getParameters: (region, c, input) => new SSMClient({ region, credentials: asCredentials(c) }).send(new GetParametersCommand(input)),
        acceptPeering: (region, input) => new EC2Client({ region }).send(new AcceptTransitGatewayPeeringAttachmentCommand(input)),
        createAssociationAuthorization: (input) => route53().send(new r53.CreateVPCAssociationAuthorizationCommand(input)),
        deleteAssociationAuthorization: (input) => route53().send(new r53.DeleteVPCAssociationAuthorizationCommand(input)),
        associate: (c, input) => route53(c).send(new r53.AssociateVPCWithHostedZoneCommand(input)),
        disassociate: (c, input) => route53(c).send(new r53.DisassociateVPCFromHostedZoneCommand(input)),
      };
    })());
  const lazy =
    (name) =>
    async (...args) =>
      (await load())[name](...args);
  return Object.fromEntries(
    [
      'assumeRole',
      'getParameters',
      'acceptPeering',
      'createAssociationAuthorization',
      'deleteAssociationAuthorization',
      'associate',
      'disassociate',
    ].map((n) => [n, lazy(n)]),
  );
}

/**
 * Runs `handle` and always replies: with its result, or FAILED when it throws
 * or is about to outlive the function (`remainingMs`, less a margin to send).
 */
export async function reply(event, handle, remainingMs, put = send, retryDelayMs = 1000) {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          Status: 'FAILED',
          PhysicalResourceId: event.PhysicalResourceId ?? `linkplan-timeout-${event.LogicalResourceId}`,
          Reason: 'Linkplan: the call did not finish before the function timed out',
        }),
      Math.max(0, remainingMs - 5000),
    );
  });
  let result;
  try {
    result = await Promise.race([handle(event), deadline]);
  } catch (error) {
    result = {
      Status: 'FAILED',
      PhysicalResourceId: event.PhysicalResourceId ?? `linkplan-error-${event.LogicalResourceId}`,
      Reason: `Linkplan: ${error?.message ?? error}`,
    };
  } finally {
    clearTimeout(timer);
  }
  const text = responseBody(event, result);
  const body = JSON.parse(text);
  console.log(
    JSON.stringify({
      request: event.RequestType,
      resource: event.LogicalResourceId,
      call: event.ResourceProperties?.Call,
      status: body.Status,
      reason: body.Reason,
    }),
  );
  // a lost reply leaves the stack waiting an hour: try again before giving up
  for (let attempt = 1; ; attempt++) {
    try {
      await put(event.ResponseURL, text);
      return body;
    } catch (error) {
      if (attempt >= PUT_ATTEMPTS) throw error;
      console.log(`reply not delivered (attempt ${attempt}): ${error?.message ?? error}`);
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
    }
  }
}

let deployed;
export const handler = async (event, context) => {
  deployed ??= makeHandler(sdkDeps(process.env));
  return reply(event, deployed, context?.getRemainingTimeInMillis?.() ?? 60000);
};
