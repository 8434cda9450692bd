// The deploy-time calls of one stack (reading another stack's published
// values, accepting a peering, authorizing and making zone associations):
// one provider function per stack (`lambda/deploy-calls`), and one
// `Custom::Linkplan*` resource per call. Built from L1 resources: the
// provider is the same for every stack, and aws-cdk-lib's AwsCustomResource
// cost a resource, a policy and a JSON-encoded SDK call per value read
// (see docs/benchmarks.md).

import { CfnResource, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { iamDocument } from './policy';
import { acknowledgeLogStatement, functionLogGroup, libraryFunction, logStatement } from './vpc-function';

/** An IAM statement as JSON; a function is called at synth, when its resources are all known. */
type CallStatementJson = { Effect?: 'Allow'; Action: string | string[]; Resource: string | string[] };
export type CallStatement = CallStatementJson | (() => CallStatementJson);

/** A cdk-nag acknowledgement: the finding's ID and why it is accepted. */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

const PROVIDER_ID = 'LinkplanDeployCalls';

/** The provider of a stack's `Custom::Linkplan*` resources, created on first use. */
export class DeployCalls extends Construct {
  public static of(scope: Construct, topologyName: string): DeployCalls {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as DeployCalls | undefined) ?? new DeployCalls(stack, PROVIDER_ID, topologyName);
  }

  public readonly function: lambda.CfnFunction;
  public readonly role: iam.CfnRole;
  private readonly statements: CallStatement[] = [];
  private readonly logGroup: logs.CfnLogGroup;
  private policies = 0;

  private constructor(scope: Construct, id: string, topologyName: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.logGroup = functionLogGroup(this, 'Logs', 365);
    this.role = new iam.CfnRole(this, 'Role', {
      description: `Runs the deploy-time calls of this Linkplan stack (${topologyName})`,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': stack.account } },
          },
        ],
      },
      policies: Lazy.any({
        produce: () => [
          {
            policyName: 'logs',
            policyDocument: { Version: '2012-10-17', Statement: [logStatement(this.logGroup.attrArn).toStatementJson()] },
          },
          ...(this.statements.length > 0 ? [{ policyName: 'calls', policyDocument: document(this.statements) }] : []),
        ],
      }),
    });
    this.function = libraryFunction(this, 'Function', {
      description: `Linkplan ${topologyName}: deploy-time calls (reads of published values, peering acceptance, zone associations)`,
      handler: 'deploy-calls',
      roleArn: this.role.attrArn,
      logGroup: this.logGroup,
      timeoutSeconds: 300,
      memorySize: 256,
    });
    acknowledgeLogStatement(this.role, this.logGroup);
  }

  /**
   * A custom resource running `call` with `properties` at deploy. `statements`
   * are what the call needs. Those naming values of this stack (tokens) get a
   * policy of their own that only this call waits for; the others join the
   * provider role's policy, which every call of the stack shares.
   */
  public call(
    scope: Construct,
    id: string,
    call: string,
    type: string,
    properties: Record<string, unknown>,
    statements: CallStatement[] = [],
    acknowledgements: Acknowledgement[] = [],
  ): CfnResource {
    const resource = new CfnResource(scope, id, {
      type: `Custom::${type}`,
      properties: { ServiceToken: this.function.attrArn, Call: call, ...properties },
    });
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

function document(statements: CallStatement[]): object {
  const json = statements.map((s) => ({ Effect: 'Allow', ...(typeof s === 'function' ? s() : s) }));
  // the same statement asked for by several calls appears once
  const seen = new Set<string>();
  return iamDocument(json.filter((s) => !seen.has(JSON.stringify(s)) && seen.add(JSON.stringify(s))));
}
