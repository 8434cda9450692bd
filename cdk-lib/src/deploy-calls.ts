// The deploy-time calls of one stack (reading another stack's published
// values, accepting a peering, authorizing and making zone associations):
// one provider function per stack (`lambda/deploy-calls`), and one
// `Custom::Linkplan*` resource per call. Built from L1 resources: the
// provider is the same for every stack, and aws-cdk-lib's AwsCustomResource
// cost a resource, a policy and a JSON-encoded SDK call per value read
// (see docs/benchmarks.md).

import * as path from 'node:path';
import { CfnResource, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';

/** An IAM statement as JSON; a function is called at synth, when its resources are all known. */
export type Statement = { Effect?: 'Allow'; Action: string | string[]; Resource: string | string[] } | (() => { Effect?: 'Allow'; Action: string | string[]; Resource: string | string[] });

/** A cdk-nag acknowledgement: the finding's ID and why it is accepted. */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

const PROVIDERS = Symbol.for('@linkplan/cdk.DeployCalls');

/** The provider of a stack's `Custom::Linkplan*` resources, created on first use. */
export class DeployCalls extends Construct {
  public static of(scope: Construct, topologyName: string): DeployCalls {
    const stack = Stack.of(scope);
    const existing = (stack as any)[PROVIDERS] as DeployCalls | undefined;
    if (existing) return existing;
    const created = new DeployCalls(stack, 'LinkplanDeployCalls', topologyName);
    (stack as any)[PROVIDERS] = created;
    return created;
  }

  public readonly function: lambda.CfnFunction;
  public readonly role: iam.CfnRole;
  private readonly statements: Statement[] = [];
  private readonly logGroup: logs.CfnLogGroup;
  private policies = 0;

  private constructor(scope: Construct, id: string, topologyName: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.logGroup = new logs.CfnLogGroup(this, 'Logs', { retentionInDays: 365 });
    this.logGroup.cfnOptions.deletionPolicy = this.logGroup.cfnOptions.updateReplacePolicy = 'Retain' as any;
    const logStatement = { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [this.logGroup.attrArn, `${this.logGroup.attrArn}:*`] };
    this.role = new iam.CfnRole(this, 'Role', {
      description: `Runs the deploy-time calls of this Linkplan stack (${topologyName})`,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': stack.account } } }],
      },
      policies: Lazy.any({
        produce: () => [
          { policyName: 'logs', policyDocument: { Version: '2012-10-17', Statement: [logStatement] } },
          ...(this.statements.length > 0 ? [{ policyName: 'calls', policyDocument: document(this.statements) }] : []),
        ],
      }),
    });
    const code = new s3assets.Asset(this, 'Code', { path: path.join(__dirname, '..', 'lambda', 'deploy-calls') });
    this.function = new lambda.CfnFunction(this, 'Function', {
      description: `Linkplan ${topologyName}: deploy-time calls (reads of published values, peering acceptance, zone associations)`,
      runtime: 'nodejs24.x',
      handler: 'index.handler',
      code: { s3Bucket: code.s3BucketName, s3Key: code.s3ObjectKey },
      role: this.role.attrArn,
      timeout: 300,
      memorySize: 256,
      loggingConfig: { logGroup: this.logGroup.ref, logFormat: 'Text' },
    });
    code.addResourceMetadata(this.function, 'Code');
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.logGroup)}.Arn>:*]`,
      reason: "Log streams of the provider's own log group only.",
    });
  }

  /**
   * A custom resource running `call` with `properties` at deploy. `statements`
   * are what the call needs. Those naming values of this stack (tokens) get a
   * policy of their own that only this call waits for; the others join the
   * provider role's policy, which every call of the stack shares.
   */
  public call(scope: Construct, id: string, call: string, type: string, properties: Record<string, unknown>, statements: Statement[] = [], acknowledgements: Acknowledgement[] = []): CfnResource {
    const resource = new CfnResource(scope, id, { type: `Custom::${type}`, properties: { ServiceToken: this.function.attrArn, Call: call, ...properties } });
    const local = statements.filter((s) => typeof s !== 'function' && Token.isUnresolved(JSON.stringify(s)));
    for (const s of statements) if (!local.includes(s)) this.statements.push(s);
    if (local.length > 0) {
      const policy = new iam.CfnPolicy(scope, `${id}Policy`, {
        policyName: `linkplan-call-${this.policies++}`,
        roles: [this.role.ref],
        policyDocument: document(local),
      });
      resource.addResourceDependency(policy);
    }
    if (acknowledgements.length > 0) Validations.of(this.role).acknowledge(...acknowledgements);
    return resource;
  }
}

function document(statements: Statement[]): object {
  const json = statements.map((s) => ({ Effect: 'Allow', ...(typeof s === 'function' ? s() : s) }));
  // the same statement asked for by several calls appears once
  const seen = new Set<string>();
  return { Version: '2012-10-17', Statement: json.filter((s) => !seen.has(JSON.stringify(s)) && seen.add(JSON.stringify(s))) };
}
