import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { PlannedEndpoints } from './planned-endpoints';
import { PlannedVpc } from './planned-vpc';
import { PlanIndex } from './private/plan-index';
import { iamDocument, type IamJson } from './private/policy';
import {
  acknowledgeVpcFunction,
  functionLogGroup,
  httpsToPlannedEndpoints,
  libraryFunction,
  logStatement,
  vpcEniStatement,
} from './private/vpc-function';
import type { Topology } from './topology';
import { VpcConnections } from './vpc-connections';

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
  public readonly workloadRole?: iam.CfnRole;

  constructor(scope: Construct, id: string, props: AppSpokeVpcProps) {
    super(scope, id);
    const { topology, vpcName } = props;
    this.vpc = new PlannedVpc(this, 'Vpc', { topology, vpcName });
    this.endpoints = new PlannedEndpoints(this, 'Endpoints', { topology, vpc: this.vpc });
    this.connections = new VpcConnections(this, 'Connections', { topology, vpc: this.vpc });

    const w = props.workloads ?? {};
    if (!w.notebook && !w.function) return;
    const plan = topology.plan;
    const index = PlanIndex.of(plan);
    const bedrock = plan.iam.bedrock;
    if (!bedrock) {
      throw new Error(`${this.node.path}: workloads call the Bedrock function, but topology '${topology.name}' has no \`bedrock\` section`);
    }
    const fn = index.function(bedrock.function);
    const invoker = index.role(bedrock.invokerRole);
    const planned = plan.vpcs[vpcName];
    const root = `arn:aws:iam::${planned.accountId}:root`;
    const trusted = invoker.trust.statements.some((s) => s.principal?.aws?.includes(root));
    if (!trusted) {
      throw new Error(
        `${this.node.path}: account '${planned.account}' is not in \`bedrock.invokers\`, so its workloads may not assume ${invoker.name}`,
      );
    }
    // the workloads reach STS and Lambda in the function's region: the plan must prove it
    for (const service of ['sts', 'lambda']) {
      const proof = plan.reachability.find((p) => p.vpc === vpcName && p.service === service && p.region === fn.region && p.ok);
      if (!proof) {
        throw new Error(
          `${this.node.path}: no workload of '${vpcName}' is proven to reach ${service} in ${fn.region}; add \`needs: [${service}@${fn.region}]\` to a workload of this VPC in the topology`,
        );
      }
    }

    const services = [...(w.function ? ['lambda.amazonaws.com'] : []), ...(w.notebook ? ['sagemaker.amazonaws.com'] : [])];
    // what the workloads need to run (their logs, ENIs, notebook key), filled in below
    const statements: IamJson[] = [];
    const role = new iam.CfnRole(this, 'WorkloadRole', {
      description: `${vpcName} workloads: may assume ${invoker.name} only`,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: services.map((service) => ({
          Effect: 'Allow',
          Principal: { Service: service },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': planned.accountId } },
        })),
      },
      policies: [
        {
          policyName: 'invoke',
          policyDocument: iamDocument([
            new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [invoker.arn] }).toStatementJson(),
          ]),
        },
        { policyName: 'run', policyDocument: iamDocument(statements) },
      ],
    });
    this.workloadRole = role;
    const sg = new ec2.CfnSecurityGroup(this, 'WorkloadSecurityGroup', {
      vpcId: this.vpc.vpcId,
      groupDescription: `${vpcName} workloads: HTTPS to the planned endpoints only`,
      securityGroupEgress: httpsToPlannedEndpoints(plan, vpcName),
    });
    const subnets = this.vpc.subnetIds('workload');

    if (w.function) {
      const logGroup = functionLogGroup(this, 'ClientLogs', logs.RetentionDays.ONE_YEAR);
      statements.push(logStatement(logGroup.attrArn).toStatementJson(), vpcEniStatement().toStatementJson());
      libraryFunction(this, 'Client', {
        handler: 'bedrock-client',
        roleArn: role.attrArn,
        logGroup,
        timeoutSeconds: 300,
        environment: { INVOKER_ROLE_ARN: invoker.arn, FUNCTION_ARN: fn.arn, TARGET_REGION: fn.region },
        vpc: { subnetIds: subnets, securityGroupIds: [sg.attrGroupId] },
      });
      acknowledgeVpcFunction(role, logGroup);
    }

    if (w.notebook) {
      // the key policy of aws-cdk-lib's kms.Key: the account administers it through IAM
      const key = new kms.CfnKey(this, 'NotebookKey', {
        enableKeyRotation: true,
        description: `${vpcName} notebook volume`,
        keyPolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${planned.accountId}:root` }, Action: 'kms:*', Resource: '*' }],
        },
      });
      key.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // the notebook's volume: the role may use this key only, through SageMaker's grants
      statements.push(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey', 'kms:CreateGrant'],
          resources: [key.attrArn],
        }).toStatementJson(),
      );
      new sagemaker.CfnNotebookInstance(this, 'Notebook', {
        instanceType: w.notebookInstanceType ?? 'ml.t3.medium',
        roleArn: role.attrArn,
        subnetId: subnets[0],
        securityGroupIds: [sg.attrGroupId],
        directInternetAccess: 'Disabled',
        rootAccess: 'Disabled',
        kmsKeyId: key.attrKeyId,
      });
    }
  }
}
