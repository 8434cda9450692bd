// Values only known at deploy (a transit gateway's ID, a zone's ID, a VPC's
// ID) cross stacks, accounts and regions through SSM parameters: the stack
// that creates a value publishes it as `/linkplan/<topology>/<key>` in its
// own account and region, and a stack that needs it reads it
//   - in the same account and region: as a CloudFormation SSM parameter;
//   - elsewhere: with a custom resource calling ssm:GetParameter in the
//     producer's region, assuming the producer stack's reader role when the
//     account differs. That role trusts only the topology's accounts (and
//     its organization) and may read only this topology's parameters.
// The reading stack depends on the publishing one, so `cdk deploy --all`
// deploys in order. Nobody copies an ID by hand.

import { CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
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

function readerRoleArn(topology: string, site: Site): string {
  return `arn:aws:iam::${site.accountId}:role/${readerRoleName(topology, site)}`;
}

const EXCHANGES = Symbol.for('@linkplan/cdk.Exchange');

/**
 * The cross-stack values of one stack: those it publishes and those it
 * reads. One per stack, found with `Exchange.of`.
 */
export class Exchange extends Construct {
  /** The stack's exchange, created on first use. */
  public static of(scope: Construct, topology: Topology, site: Site): Exchange {
    const stack = Stack.of(scope);
    const existing = (stack as any)[EXCHANGES] as Exchange | undefined;
    if (existing) return existing;
    const created = new Exchange(stack, 'LinkplanExchange', topology, site);
    (stack as any)[EXCHANGES] = created;
    return created;
  }

  /** The exchange of a stack, if it has one. */
  public static find(stack: Stack): Exchange | undefined {
    return (stack as any)[EXCHANGES];
  }

  public readonly site: Site;
  public readonly published: ExchangedValue[] = [];
  public readonly consumed: ExchangedValue[] = [];
  /** Sites this stack reads from: it must deploy after them. */
  public readonly producers = new Map<string, Site>();
  private readonly topology: Topology;
  private readonly local = new Map<string, string>();
  private readonly reads = new Map<string, string>();
  private readerRole?: iam.Role;
  private providerRole?: iam.Role;

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
      const cross = producer.accountId !== this.site.accountId;
      const call: cr.AwsSdkCall = {
        service: 'SSM',
        action: 'getParameter',
        parameters: { Name: name },
        region: producer.region,
        assumedRoleArn: cross ? readerRoleArn(this.topology.name, producer) : undefined,
        physicalResourceId: cr.PhysicalResourceId.of(name),
        outputPaths: ['Parameter.Value'],
      };
      const read = this.sdkCall(this, id, { onCreate: call, onUpdate: call }, [
        cross
          ? new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [readerRoleArn(this.topology.name, producer)] })
          : new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [`arn:aws:ssm:${producer.region}:${producer.accountId}:parameter${name}`] }),
      ]);
      value = read.getResponseField('Parameter.Value');
    }
    this.reads.set(key, value);
    return value;
  }

  /**
   * An AWS SDK call at deploy (aws-cdk-lib's AwsCustomResource) run by the
   * stack's one provider role, to which `statements` are added: one IAM
   * policy per stack rather than one per call keeps big stacks under
   * CloudFormation's resource quota.
   */
  public sdkCall(
    scope: Construct,
    id: string,
    calls: { onCreate: cr.AwsSdkCall; onUpdate?: cr.AwsSdkCall; onDelete?: cr.AwsSdkCall },
    statements: iam.PolicyStatement[],
    acknowledgements: { id: string; reason: string }[] = [],
  ): cr.AwsCustomResource {
    if (!this.providerRole) {
      this.providerRole = new iam.Role(this, 'SdkCallRole', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Runs the deploy-time AWS calls of this Linkplan stack (${this.topology.name})`,
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
      });
      Validations.of(Stack.of(this)).acknowledge(
        { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: "The provider function of aws-cdk-lib's AwsCustomResource writes its own logs with the basic execution role." },
        { id: 'AwsSolutions-L1', reason: "The AwsCustomResource provider function's runtime is chosen by aws-cdk-lib." },
      );
    }
    // statements naming resources of this stack get a policy of their own,
    // which only their call waits for: in the shared policy they would make
    // every call (and so the resources those calls feed) wait for them
    const namesLocal = (st: iam.PolicyStatement) => /"Ref"|"Fn::GetAtt"/.test(JSON.stringify(Stack.of(this).resolve(st.toStatementJson())));
    const local = statements.filter(namesLocal);
    for (const st of statements.filter((x) => !local.includes(x))) this.providerRole.addToPrincipalPolicy(st);
    if (acknowledgements.length > 0) Validations.of(this.providerRole).acknowledge(...acknowledgements);
    const call = new cr.AwsCustomResource(scope, id, { ...calls, installLatestAwsSdk: false, role: this.providerRole });
    if (local.length > 0) {
      const policy = new iam.Policy(scope, `${id}Policy`, { statements: local, roles: [this.providerRole] });
      call.node.addDependency(policy);
    }
    return call;
  }

  private ensureReaderRole(): void {
    if (this.readerRole) return;
    const others = [...new Set(Object.values(this.topology.plan.accounts) as string[])].sort();
    const org = this.topology.plan.organizationId as string | undefined;
    this.readerRole = new iam.Role(this, 'ReaderRole', {
      roleName: readerRoleName(this.topology.name, this.site),
      description: `Lets the stacks of topology ${this.topology.name} read the values this stack publishes`,
      assumedBy: new iam.CompositePrincipal(
        ...others.map((a) => new iam.AccountPrincipal(a).withConditions(org ? { StringEquals: { 'aws:PrincipalOrgID': org } } : {})),
      ),
      inlinePolicies: {
        read: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['ssm:GetParameter'],
              resources: [`arn:aws:ssm:${this.site.region}:${this.site.accountId}:parameter${parameterName(this.topology.name, '*')}`],
            }),
          ],
        }),
      },
    });
    Validations.of(this.readerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:ssm:${this.site.region}:${this.site.accountId}:parameter/linkplan/${this.topology.name}/*]`,
      reason: "Reads this topology's published IDs only: one prefix of SSM parameters in one account and region.",
    });
  }

}
