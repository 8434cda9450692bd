import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { SpokeWorkloads } from './app-spoke-vpc';
import { PlannedEndpoints } from './planned-endpoints';
import { PlannedVpc } from './planned-vpc';
import { addBedrockClients } from './private/bedrock-clients';
import { PlanIndex } from './private/plan-index';
import { iamDocument, iamPolicy } from './private/policy';
import { acknowledgeVpcFunction, functionLogGroup, libraryFunction, logStatement, vpcEniStatement } from './private/vpc-function';
import type { Topology } from './topology';
import { VpcConnections } from './vpc-connections';

/** Props of `BedrockMlAccount`. */
export interface BedrockMlAccountProps {
  /** The validated topology; its `bedrock` section names the account and VPC. */
  readonly topology: Topology;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Client workloads of the function to run in the ML VPC itself (the ML
   * account must be one of `bedrock.invokers`).
   * @default - none
   */
  readonly workloads?: SpokeWorkloads;
}

/**
 * The ML account of the Bedrock architecture, as planned: its VPC and
 * endpoints (bedrock-runtime with private DNS), a VPC function that streams
 * `InvokeModelWithResponseStream` output back to the caller, the function's
 * role allowed exactly the listed models, and the cross-account invoker
 * role (trust with conditions, from the plan) that may only invoke the
 * function. Role and function names are the plan's.
 */
export class BedrockMlAccount extends Construct {
  /** The ML VPC. */
  public readonly vpc: PlannedVpc;
  /** Its endpoints. */
  public readonly endpoints: PlannedEndpoints;
  /** Its transit attachment, routes and DNS associations, if planned. */
  public readonly connections: VpcConnections;
  /** The streaming function. */
  public readonly function: lambda.CfnFunction;
  /** The role the invoker accounts assume. */
  public readonly invokerRole: iam.CfnRole;

  constructor(scope: Construct, id: string, props: BedrockMlAccountProps) {
    super(scope, id);
    const plan = props.topology.plan;
    const bedrock = plan.iam.bedrock;
    if (!bedrock) {
      throw new Error(`${this.node.path}: topology '${props.topology.name}' has no \`bedrock\` section`);
    }
    const index = PlanIndex.of(plan);
    const fn = index.function(bedrock.function);
    const fnRolePlan = index.role(bedrock.functionRole);
    const invokerPlan = index.role(bedrock.invokerRole);
    const vpcName = bedrock.vpc;
    this.vpc = new PlannedVpc(this, 'Vpc', { topology: props.topology, vpcName });
    this.endpoints = new PlannedEndpoints(this, 'Endpoints', { topology: props.topology, vpc: this.vpc });
    this.connections = new VpcConnections(this, 'Connections', { topology: props.topology, vpc: this.vpc });

    const logGroup = functionLogGroup(this, 'FunctionLogs', props.logRetention ?? logs.RetentionDays.ONE_YEAR, `/aws/lambda/${fn.name}`);
    const role = new iam.CfnRole(this, 'FunctionRole', {
      roleName: fnRolePlan.name,
      assumeRolePolicyDocument: iamPolicy(fnRolePlan.trust),
      policies: [
        { policyName: 'planned', policyDocument: iamPolicy(fnRolePlan.permissions) },
        { policyName: 'logs', policyDocument: iamDocument([logStatement(logGroup.attrArn).toStatementJson()]) },
        { policyName: 'vpc', policyDocument: iamDocument([vpcEniStatement().toStatementJson()]) },
      ],
    });
    acknowledgeVpcFunction(role, logGroup);

    const sg = new ec2.CfnSecurityGroup(this, 'FunctionSecurityGroup', {
      vpcId: this.vpc.vpcId,
      groupDescription: `${fn.name}: HTTPS out to the endpoints of its VPC only`,
      securityGroupEgress: [
        { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: this.vpc.cidr, description: 'the VPC endpoints (bedrock-runtime)' },
      ],
    });

    this.function = libraryFunction(this, 'Function', {
      functionName: fn.name,
      handler: 'bedrock-stream',
      roleArn: role.attrArn,
      logGroup,
      timeoutSeconds: 300,
      memorySize: 512,
      environment: { ALLOWED_MODELS: bedrock.models.join(',') },
      vpc: { subnetIds: this.vpc.subnetIds('workload'), securityGroupIds: [sg.attrGroupId] },
    });

    this.invokerRole = new iam.CfnRole(this, 'InvokerRole', {
      roleName: invokerPlan.name,
      assumeRolePolicyDocument: iamPolicy(invokerPlan.trust),
      policies: [{ policyName: 'planned', policyDocument: iamPolicy(invokerPlan.permissions) }],
    });
    new lambda.CfnPermission(this, 'InvokerMayInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: this.function.ref,
      principal: this.invokerRole.attrArn,
    });
    addBedrockClients(new Construct(this, 'Workloads'), props.topology, this.vpc, props.workloads);
  }
}
