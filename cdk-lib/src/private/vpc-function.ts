// What every VPC function and workload of the library shares: HTTPS out to
// the planned endpoints only, no egress at all for what only answers, and
// the ENI and log permissions of a VPC function with their cdk-nag
// acknowledgements. One place, so the constructs cannot drift apart.

import * as path from 'node:path';
import { CfnDeletionPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { IConstruct } from 'constructs';
import type { Plan } from '../plan';

/**
 * No egress rule means all egress in CloudFormation; an endpoint or an
 * inbound resolver answers but never initiates, so allow nothing out.
 */
export const NO_EGRESS: ec2.CfnSecurityGroup.EgressProperty[] = [
  { ipProtocol: 'icmp', fromPort: 252, toPort: 86, cidrIp: '255.255.255.255/32', description: 'Disallow all traffic' },
];

/** TCP 443 to the VPCs whose planned endpoints serve `vpc` (its own and the shared ones). */
export function httpsToPlannedEndpoints(plan: Plan, vpc: string): ec2.CfnSecurityGroup.EgressProperty[] {
  const serving = plan.endpoints.filter((e) => e.vpc === vpc || (e.sharedWith ?? []).includes(vpc));
  const cidrs = [...new Set(serving.map((e) => plan.vpcs[e.vpc].cidr))].sort();
  return cidrs.map((cidr) => ({ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: cidr, description: 'planned VPC endpoints' }));
}

/** The statement of AWSLambdaVPCAccessExecutionRole: a VPC function manages its ENIs. */
export function vpcEniStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}

/** Writing to the function's own log group (by its ARN) only. */
export function logStatement(logGroupArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroupArn, `${logGroupArn}:*`] });
}

/** The cdk-nag acknowledgement of `logStatement` on `role`. */
export function acknowledgeLogStatement(role: IConstruct, logGroup: logs.LogGroup | logs.CfnLogGroup): void {
  const cfnLogGroup = logGroup instanceof logs.CfnLogGroup ? logGroup : (logGroup.node.defaultChild as logs.CfnLogGroup);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${Stack.of(cfnLogGroup).getLogicalId(cfnLogGroup)}.Arn>:*]`,
    reason: "Log streams of the function's own log group only.",
  });
}

/** The cdk-nag acknowledgements of `vpcEniStatement` and `logStatement` on `role`. */
export function acknowledgeVpcFunction(role: IConstruct, logGroup: logs.LogGroup | logs.CfnLogGroup): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'A VPC function manages its ENIs; EC2 does not support resource-level permissions for these actions (as in AWSLambdaVPCAccessExecutionRole).',
  });
  acknowledgeLogStatement(role, logGroup);
}

/** A function's log group, kept when the stack goes (logs are evidence). */
export function functionLogGroup(scope: IConstruct, id: string, retentionInDays: number, logGroupName?: string): logs.CfnLogGroup {
  const group = new logs.CfnLogGroup(scope, id, { logGroupName, retentionInDays });
  group.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
  group.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
  return group;
}

/** Props of `libraryFunction`. */
export interface LibraryFunctionProps {
  readonly functionName?: string;
  readonly description?: string;
  /** The handler's directory under `cdk-lib/lambda/`. */
  readonly handler: string;
  readonly roleArn: string;
  readonly logGroup: logs.CfnLogGroup;
  /** Where the function runs, if in a VPC. */
  readonly vpc?: { subnetIds: string[]; securityGroupIds: string[] };
  readonly environment?: Record<string, string>;
  readonly timeoutSeconds: number;
  readonly memorySize?: number;
}

/**
 * A Node.js function of the library (its handler under `lambda/`), as an L1
 * resource with its code as an asset: the library builds each function with its role and log
 * group from the plan, so `lambda.Function`'s conveniences (grants, a role
 * and log group of its own) would only cost synth time.
 */
export function libraryFunction(scope: IConstruct, id: string, props: LibraryFunctionProps): lambda.CfnFunction {
  const code = new s3assets.Asset(scope, `${id}Code`, { path: path.join(__dirname, '..', '..', 'lambda', props.handler) });
  const fn = new lambda.CfnFunction(scope, id, {
    functionName: props.functionName,
    description: props.description,
    runtime: 'nodejs24.x',
    handler: 'index.handler',
    code: { s3Bucket: code.s3BucketName, s3Key: code.s3ObjectKey },
    role: props.roleArn,
    timeout: props.timeoutSeconds,
    memorySize: props.memorySize,
    environment: props.environment ? { variables: props.environment } : undefined,
    vpcConfig: props.vpc,
    loggingConfig: { logGroup: props.logGroup.ref, logFormat: 'Text' },
  });
  code.addResourceMetadata(fn, 'Code');
  return fn;
}
