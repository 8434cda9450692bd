// What every VPC function and workload of the library shares: HTTPS out to
// the planned endpoints only, no egress at all for what only answers, and
// the ENI and log permissions of a VPC function with their cdk-nag
// acknowledgements. One place, so the constructs cannot drift apart.

import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * No egress rule means all egress in CloudFormation; an endpoint or an
 * inbound resolver answers but never initiates, so allow nothing out.
 */
export const NO_EGRESS: ec2.CfnSecurityGroup.EgressProperty[] = [
  { ipProtocol: 'icmp', fromPort: 252, toPort: 86, cidrIp: '255.255.255.255/32', description: 'Disallow all traffic' },
];

/** TCP 443 to the VPCs whose planned endpoints serve `vpc` (its own and the shared ones). */
export function httpsToPlannedEndpoints(plan: any, vpc: string): ec2.CfnSecurityGroup.EgressProperty[] {
  const cidrs = [...new Set((plan.endpoints as any[]).filter((e) => e.vpc === vpc || (e.sharedWith ?? []).includes(vpc)).map((e) => plan.vpcs[e.vpc].cidr as string))].sort();
  return cidrs.map((cidr) => ({ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: cidr, description: 'planned VPC endpoints' }));
}

/** The statement of AWSLambdaVPCAccessExecutionRole: a VPC function manages its ENIs. */
export function vpcEniStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: ['*'],
  });
}

/** Writing to the function's own log group only. */
export function logStatement(logGroup: logs.LogGroup): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`] });
}

/** The cdk-nag acknowledgements of `vpcEniStatement` and `logStatement` on `role`. */
export function acknowledgeVpcFunction(role: iam.IRole, logGroup: logs.LogGroup): void {
  Validations.of(role).acknowledge(
    { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'A VPC function manages its ENIs; EC2 does not support resource-level permissions for these actions (as in AWSLambdaVPCAccessExecutionRole).' },
    { id: `AwsSolutions-IAM5[Resource::<${Stack.of(logGroup).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`, reason: "Log streams of the function's own log group only." },
  );
}
