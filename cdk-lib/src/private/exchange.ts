// Values only known at deploy (a transit gateway's ID, a zone's ID, a VPC's
// ID) cross stacks, accounts and regions through SSM parameters: the stack
// that creates a value publishes it as `/linkplan/<topology>/<key>` in its
// own account and region, and a stack that needs it reads it
//   - in the same account and region: as a CloudFormation SSM parameter;
//   - elsewhere: with one custom resource per producer stack (and per 32
//     values) that reads them all with ssm:GetParameters in the producer's
//     region (`DeployCalls`), assuming the producer stack's reader role when
//     the account differs. That role trusts only the topology's accounts
//     (and its organization) and may read only this topology's parameters.
// The reading stack depends on the publishing one, so `cdk deploy --all`
// deploys in order. Nobody copies an ID by hand.

import { CfnParameter, type CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { StackPlan } from '../plan';
import type { Topology } from '../topology';
import { DeployCalls } from './deploy-calls';
import { PlanIndex } from './plan-index';
import { iamPolicy } from './policy';

/** A value that crosses stacks: its parameter and the stack that publishes it. */
export interface ExchangedValue {
  readonly parameterName: string;
  /** The name of the publishing stack. */
  readonly producer: string;
}

/**
 * Values one read resource returns at most: CloudFormation takes a custom
 * resource's reply up to 4 KB, and an ID, ARN or DNS name with its key
 * takes up to ~100 bytes.
 */
const VALUES_PER_READ = 32;

const EXCHANGE_ID = 'LinkplanExchange';

/**
 * The cross-stack values of one stack: those it publishes and those it
 * reads. One per stack, found with `Exchange.of`.
 */
export class Exchange extends Construct {
  /** The exchange of the stack of `scope`, the plan's stack `stackName`; created on first use. */
  public static of(scope: Construct, topology: Topology, stackName: string): Exchange {
    const stack = Stack.of(scope);
    return Exchange.find(stack) ?? new Exchange(stack, EXCHANGE_ID, topology, stackName);
  }

  /** The exchange of a stack, if it has one. */
  public static find(stack: Stack): Exchange | undefined {
    return stack.node.tryFindChild(EXCHANGE_ID) as Exchange | undefined;
  }

  /** The plan's stack this exchange belongs to. */
  public readonly stackPlan: StackPlan;
  public readonly published: ExchangedValue[] = [];
  public readonly consumed: ExchangedValue[] = [];
  private readonly topology: Topology;
  private readonly local = new Map<string, string>();
  private readonly reads = new Map<string, string>();
  private readerRole?: iam.CfnRole;
  /** The open read resource of each producer stack and the parameter names it reads, in order. */
  private readonly readGroups = new Map<string, { resource: CfnResource; names: string[] }>();
  private readGroupCount = 0;

  private constructor(scope: Construct, id: string, topology: Topology, stackName: string) {
    super(scope, id);
    this.topology = topology;
    this.stackPlan = PlanIndex.of(topology.plan).stack(stackName);
  }

  /** Publishes a value of this stack as the SSM parameter `parameterName`, for other stacks. */
  public publish(parameterName: string, value: string): void {
    this.local.set(parameterName, value);
    new ssm.CfnParameter(this, `Value-${this.key(parameterName)}`, {
      name: parameterName,
      type: 'String',
      value,
      description: `Linkplan ${this.topology.name}`,
    });
    this.published.push({ parameterName, producer: this.stackPlan.name });
    this.ensureReaderRole();
  }

  /** The value the stack `producer` publishes as `parameterName` (or this stack, if it does). */
  public get(parameterName: string, producer: string): string {
    const own = this.local.get(parameterName);
    if (own !== undefined) return own;
    const cached = this.reads.get(parameterName);
    if (cached !== undefined) return cached;
    if (producer === this.stackPlan.name) {
      throw new Error(`${this.node.path}: '${parameterName}' is read before this stack publishes it`);
    }
    const from = PlanIndex.of(this.topology.plan).stack(producer);
    this.consumed.push({ parameterName, producer });
    const id = `Read-${this.key(parameterName)}`;
    let value: string;
    if (from.accountId === this.stackPlan.accountId && from.region === this.stackPlan.region) {
      value = new CfnParameter(this, id, {
        type: 'AWS::SSM::Parameter::Value<String>',
        default: parameterName,
        description: `Linkplan: published by ${producer}`,
      }).valueAsString;
    } else {
      const group = this.readGroup(from);
      const index = group.names.push(parameterName) - 1;
      value = Token.asString(group.resource.getAtt(`V${index}`));
    }
    this.reads.set(parameterName, value);
    return value;
  }

  /** A parameter's name below the topology's prefix, for construct IDs. */
  private key(parameterName: string): string {
    const prefix = this.stackPlan.parameterPrefix;
    return parameterName.startsWith(prefix) ? parameterName.slice(prefix.length) : parameterName;
  }

  /** The stacks this stack reads from: it deploys after them. */
  public get producers(): string[] {
    return [...new Set(this.consumed.map((c) => c.producer))].sort();
  }

  /**
   * The read resource for values of `producer`: one per producer stack, a new
   * one when it holds `VALUES_PER_READ`. Its `Names` list is the array the
   * reads append to, resolved at synth.
   */
  private readGroup(producer: StackPlan): { resource: CfnResource; names: string[] } {
    const open = this.readGroups.get(producer.name);
    if (open && open.names.length < VALUES_PER_READ) return open;
    const cross = producer.accountId !== this.stackPlan.accountId;
    const names: string[] = [];
    const role = cross ? producer.readerRole.arn : undefined;
    const id = `Read-${producer.account}-${producer.region}-${producer.role}${open ? `-${this.readGroupCount}` : ''}`;
    this.readGroupCount++;
    const calls = DeployCalls.of(this, this.topology.name);
    const resource = calls.call(
      this,
      id,
      'read',
      'LinkplanRead',
      { Region: producer.region, ...(role ? { RoleArn: role } : {}), Names: names },
      [
        role
          ? { Action: 'sts:AssumeRole', Resource: role }
          : () => ({
              Action: 'ssm:GetParameters',
              Resource: names.map((n) => `arn:aws:ssm:${producer.region}:${producer.accountId}:parameter${n}`),
            }),
      ],
    );
    const group = { resource, names };
    this.readGroups.set(producer.name, group);
    return group;
  }

  /** The planned reader role, created with the first published value. */
  private ensureReaderRole(): void {
    if (this.readerRole) return;
    const planned = this.stackPlan.readerRole;
    this.readerRole = new iam.CfnRole(this, 'ReaderRole', {
      roleName: planned.name,
      description: `Lets the stacks of topology ${this.topology.name} read the values this stack publishes`,
      assumeRolePolicyDocument: iamPolicy(planned.trust),
      policies: [{ policyName: 'read', policyDocument: iamPolicy(planned.permissions) }],
    });
    const { region, accountId, parameterPrefix } = this.stackPlan;
    Validations.of(this.readerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:ssm:${region}:${accountId}:parameter${parameterPrefix}*]`,
      reason: "Reads this topology's published IDs only: one prefix of SSM parameters in one account and region.",
    });
  }
}
