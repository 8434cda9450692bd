import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { PlannedEndpoints } from './planned-endpoints';
import { PlannedVpc } from './planned-vpc';
import { Topology } from './topology';
import { VpcConnections } from './vpc-connections';
import { acknowledgeVpcFunction, httpsToPlannedEndpoints, logStatement, vpcEniStatement } from './vpc-function';

/** The application workloads an `AppSpokeVpc` may run (seed 000's clients of Bedrock). */
export interface SpokeWorkloads {
  /**
   * A SageMaker notebook instance in the workload subnets, without direct
   * internet access or root, its volume encrypted with a KMS key of its own.
   * @default false
   */
  readonly notebook?: boolean;
  /**
   * The notebook's instance type.
   * @default 'ml.t3.medium'
   */
  readonly notebookInstanceType?: string;
  /**
   * A VPC function that assumes the ML account's invoker role through the
   * regional STS endpoint and invokes the Bedrock streaming function.
   * @default false
   */
  readonly function?: boolean;
}

/** Props of `AppSpokeVpc`. */
export interface AppSpokeVpcProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The VPC's name in the topology. */
  readonly vpcName: string;
  /**
   * Application workloads to run in the VPC.
   * @default - none
   */
  readonly workloads?: SpokeWorkloads;
}

/**
 * An application VPC, as planned: the VPC (subnets by AZ ID, flow logs,
 * resolver query logs), its local endpoints, its transit gateway
 * attachment and routes, and its side of the DNS mode (Profile or resolver
 * rule associations), reading the hub's IDs from where the hub published
 * them. Optionally the seed's workloads: a notebook and/or a function whose
 * role may assume only the ML account's invoker role.
 */
export class AppSpokeVpc extends Construct {
  public readonly vpc: PlannedVpc;
  public readonly endpoints: PlannedEndpoints;
  public readonly connections: VpcConnections;
  /** The workloads' role, when workloads are asked for. */
  public readonly workloadRole?: iam.Role;

  constructor(scope: Construct, id: string, props: AppSpokeVpcProps) {
    super(scope, id);
    const { topology, vpcName } = props;
    this.vpc = new PlannedVpc(this, 'Vpc', { topology, vpcName });
    this.endpoints = new PlannedEndpoints(this, 'Endpoints', { topology, vpc: this.vpc });
    this.connections = new VpcConnections(this, 'Connections', { topology, vpc: this.vpc });

    const w = props.workloads ?? {};
    if (!w.notebook && !w.function) return;
    const plan = topology.plan;
    const invoker = (plan.iam.roles as any[]).find((r) => r.id === 'bedrock/invoker');
    const fn = ((plan.iam.functions ?? []) as any[]).find((f) => f.id === 'bedrock/stream');
    if (!invoker || !fn) {
      throw new Error(`${this.node.path}: workloads call the Bedrock function, but topology '${topology.name}' has no \`bedrock\` section`);
    }
    const planned = plan.vpcs[vpcName];
    const trusted = JSON.stringify(invoker.trust).includes(`arn:aws:iam::${planned.accountId}:root`);
    if (!trusted) {
      throw new Error(`${this.node.path}: account '${planned.account}' is not in \`bedrock.invokers\`, so its workloads may not assume ${invoker.name}`);
    }
    // the workloads reach STS and Lambda in the function's region: the plan must prove it
    for (const service of ['sts', 'lambda']) {
      const proof = (plan.reachability as any[]).find((p) => p.vpc === vpcName && p.service === service && p.region === fn.region && p.ok);
      if (!proof) {
        throw new Error(`${this.node.path}: no workload of '${vpcName}' is proven to reach ${service} in ${fn.region}; add \`needs: [${service}@${fn.region}]\` to a workload of this VPC in the topology`);
      }
    }

    const role = new iam.Role(this, 'WorkloadRole', {
      assumedBy: new iam.CompositePrincipal(
        ...(w.function ? [new iam.ServicePrincipal('lambda.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': planned.accountId } } })] : []),
        ...(w.notebook ? [new iam.ServicePrincipal('sagemaker.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': planned.accountId } } })] : []),
      ),
      description: `${vpcName} workloads: may assume ${invoker.name} only`,
      inlinePolicies: {
        invoke: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [invoker.arn] })] }),
      },
    });
    this.workloadRole = role;
    const sg = new ec2.CfnSecurityGroup(this, 'WorkloadSecurityGroup', {
      vpcId: this.vpc.vpcId,
      groupDescription: `${vpcName} workloads: HTTPS to the planned endpoints only`,
      securityGroupEgress: httpsToPlannedEndpoints(plan, vpcName),
    });
    const subnets = this.vpc.subnetIds('workload');

    if (w.function) {
      const logGroup = new logs.LogGroup(this, 'ClientLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
      role.addToPrincipalPolicy(logStatement(logGroup));
      role.addToPrincipalPolicy(vpcEniStatement());
      new lambda.Function(this, 'Client', {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(path.join(__dirname, '..', 'lambda', 'bedrock-client')),
        role,
        logGroup,
        timeout: Duration.minutes(5),
        environment: { INVOKER_ROLE_ARN: invoker.arn, FUNCTION_ARN: fn.arn, TARGET_REGION: fn.region },
        vpc: this.vpc.asIVpc('workload'),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, 'ClientSg', sg.attrGroupId)],
      });
      acknowledgeVpcFunction(role, logGroup);
    }

    if (w.notebook) {
      const key = new kms.Key(this, 'NotebookKey', { enableKeyRotation: true, description: `${vpcName} notebook volume`, removalPolicy: RemovalPolicy.RETAIN });
      // the notebook's volume: the role may use this key only, through SageMaker's grants
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant'], resources: [key.keyArn] }));
      new sagemaker.CfnNotebookInstance(this, 'Notebook', {
        instanceType: w.notebookInstanceType ?? 'ml.t3.medium',
        roleArn: role.roleArn,
        subnetId: subnets[0],
        securityGroupIds: [sg.attrGroupId],
        directInternetAccess: 'Disabled',
        rootAccess: 'Disabled',
        kmsKeyId: key.keyId,
      });
    }
  }
}
