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

import { CfnParameter, CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DeployCalls } from './deploy-calls';
import { Site, siteKey, sameEnv } from './layout';
import { Topology } from './topology';

/** A value that crosses stacks: its key, who publishes it and who reads it. */
export interface ExchangedValue {
  readonly key: string;
  readonly parameterName: string;
  /** The site key (`account/region/role`) of the publishing stack. */
  readonly producer: string;
}

export function parameterName(topology: string, key: string): string {
  return `/linkplan/${topology}/${key}`;
}

/** The reader role of a site: deterministic, so consumers can name it before it exists. */
export function readerRoleName(topology: string, site: Site): string {
  const name = `${topology}-${site.role}-${site.region}-reader`;
  if (name.length <= 64) return name;
  let h = 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `${name.slice(0, 55)}-${h.toString(16).padStart(8, '0')}`;
}

/**
 * Values one read resource returns at most: CloudFormation takes a custom
 * resource's reply up to 4 KB, and an ID, ARN or DNS name with its key
 * takes up to ~100 bytes.
 */
const VALUES_PER_READ = 32;

function readerRoleArn(topology: string, site: Site): string {
  return `arn:aws:iam::${site.accountId}:role/${readerRoleName(topology, site)}`;
}

const EXCHANGE_ID = 'LinkplanExchange';

/**
 * The cross-stack values of one stack: those it publishes and those it
 * reads. One per stack, found with `Exchange.of`.
 */
export class Exchange extends Construct {
  /** The stack's exchange, created on first use. */
  public static of(scope: Construct, topology: Topology, site: Site): Exchange {
    const stack = Stack.of(scope);
    return Exchange.find(stack) ?? new Exchange(stack, EXCHANGE_ID, topology, site);
  }

  /** The exchange of a stack, if it has one. */
  public static find(stack: Stack): Exchange | undefined {
    return stack.node.tryFindChild(EXCHANGE_ID) as Exchange | undefined;
  }

  public readonly site: Site;
  public readonly published: ExchangedValue[] = [];
  public readonly consumed: ExchangedValue[] = [];
  /** Sites this stack reads from: it must deploy after them. */
  public readonly producers = new Map<string, Site>();
  private readonly topology: Topology;
  private readonly local = new Map<string, string>();
  private readonly reads = new Map<string, string>();
  private readerRole?: iam.CfnRole;
  /** The open read resource of each producer site and the parameter names it reads, in order. */
  private readonly readGroups = new Map<string, { resource: CfnResource; names: string[] }>();
  private readGroupCount = 0;

  private constructor(scope: Construct, id: string, topology: Topology, site: Site) {
    super(scope, id);
    this.topology = topology;
    this.site = site;
  }

  /** Publishes a value of this stack under `key`, for other stacks. */
  public publish(key: string, value: string): void {
    this.local.set(key, value);
    const name = parameterName(this.topology.name, key);
    new ssm.CfnParameter(this, `Value-${key}`, { name, type: 'String', value, description: `Linkplan ${this.topology.name}: ${key}` });
    this.published.push({ key, parameterName: name, producer: siteKey(this.site) });
    this.ensureReaderRole();
  }

  /** A value published under `key` by the stack of `producer` (or by this stack). */
  public get(key: string, producer: Site): string {
    const own = this.local.get(key);
    if (own !== undefined) return own;
    const cached = this.reads.get(key);
    if (cached !== undefined) return cached;
    if (siteKey(producer) === siteKey(this.site)) {
      throw new Error(`${this.node.path}: '${key}' is read before this stack publishes it`);
    }
    const name = parameterName(this.topology.name, key);
    this.consumed.push({ key, parameterName: name, producer: siteKey(producer) });
    this.producers.set(siteKey(producer), producer);
    const id = `Read-${key}`;
    let value: string;
    if (sameEnv(producer, this.site)) {
      value = new CfnParameter(this, id, { type: 'AWS::SSM::Parameter::Value<String>', default: name, description: `Linkplan: ${key}, published by ${siteKey(producer)}` }).valueAsString;
    } else {
      const group = this.readGroup(producer);
      const index = group.names.push(name) - 1;
      value = Token.asString(group.resource.getAtt(`V${index}`));
    }
    this.reads.set(key, value);
    return value;
  }

  /**
   * The read resource for values of `producer`: one per producer site, a new
   * one when it holds `VALUES_PER_READ`. Its `Names` list is the array the
   * reads append to, resolved at synth.
   */
  private readGroup(producer: Site): { resource: CfnResource; names: string[] } {
    const key = siteKey(producer);
    const open = this.readGroups.get(key);
    if (open && open.names.length < VALUES_PER_READ) return open;
    const cross = producer.accountId !== this.site.accountId;
    const names: string[] = [];
    const role = cross ? readerRoleArn(this.topology.name, producer) : undefined;
    const id = `Read-${producer.account}-${producer.region}-${producer.role}${open ? `-${this.readGroupCount}` : ''}`;
    this.readGroupCount++;
    const resource = DeployCalls.of(this, this.topology.name).call(this, id, 'read', 'LinkplanRead', { Region: producer.region, ...(role ? { RoleArn: role } : {}), Names: names }, [
      role
        ? { Action: 'sts:AssumeRole', Resource: role }
        : () => ({ Action: 'ssm:GetParameters', Resource: names.map((n) => `arn:aws:ssm:${producer.region}:${producer.accountId}:parameter${n}`) }),
    ]);
    const group = { resource, names };
    this.readGroups.set(key, group);
    return group;
  }

  private ensureReaderRole(): void {
    if (this.readerRole) return;
    const others = [...new Set(Object.values(this.topology.plan.accounts) as string[])].sort();
    const org = this.topology.plan.organizationId as string | undefined;
    this.readerRole = new iam.CfnRole(this, 'ReaderRole', {
      roleName: readerRoleName(this.topology.name, this.site),
      description: `Lets the stacks of topology ${this.topology.name} read the values this stack publishes`,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { AWS: others.map((a) => `arn:aws:iam::${a}:root`) },
          Action: 'sts:AssumeRole',
          ...(org ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': org } } } : {}),
        }],
      },
      policies: [{
        policyName: 'read',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Action: 'ssm:GetParameters',
            Resource: `arn:aws:ssm:${this.site.region}:${this.site.accountId}:parameter${parameterName(this.topology.name, '*')}`,
          }],
        },
      }],
    });
    Validations.of(this.readerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:ssm:${this.site.region}:${this.site.accountId}:parameter/linkplan/${this.topology.name}/*]`,
      reason: "Reads this topology's published IDs only: one prefix of SSM parameters in one account and region.",
    });
  }

}
