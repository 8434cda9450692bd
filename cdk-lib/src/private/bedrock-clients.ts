// The seed's client workloads of the Bedrock function (a notebook, a
// function) in any planned VPC: a spoke (AppSpokeVpc), a hub (NetworkHub)
// or the ML VPC (BedrockMlAccount). Built into the caller's scope, so a
// spoke's resources keep the logical IDs they had when AppSpokeVpc built
// them itself.

import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import type { SpokeWorkloads } from '../app-spoke-vpc';
import type { Plan, RolePlan } from '../plan';
import type { PlannedVpc } from '../planned-vpc';
import type { Topology } from '../topology';
import { clientNotebookOnStart, type ClientNotebookFacts } from './client-notebook';
import { PlanIndex } from './plan-index';
import { iamDocument, type IamJson } from './policy';
import {
  acknowledgeVpcFunction,
  functionLogGroup,
  httpsToPlannedEndpoints,
  libraryFunction,
  logStatement,
  vpcEniStatement,
} from './vpc-function';

/** What `addBedrockClients` built. */
export interface BedrockClients {
  /** The workloads' role. */
  readonly role: iam.CfnRole;
  readonly function?: lambda.CfnFunction;
  readonly notebook?: sagemaker.CfnNotebookInstance;
}

/**
 * The workloads asked for in `vpc`, into `scope`, after checking that the
 * plan proves their path: the VPC's account may assume the invoker role, and
 * a workload of the VPC reaches STS and Lambda in the function's region.
 * Nothing is built when neither is asked for.
 */
export function addBedrockClients(
  scope: Construct,
  topology: Topology,
  vpc: PlannedVpc,
  workloads: SpokeWorkloads | undefined,
): BedrockClients | undefined {
  const w = workloads ?? {};
  if (!w.notebook && !w.function) return undefined;
  const vpcName = vpc.vpcName;
  const plan = topology.plan;
  const index = PlanIndex.of(plan);
  const bedrock = plan.iam.bedrock;
  if (!bedrock) {
    throw new Error(`${scope.node.path}: workloads call the Bedrock function, but topology '${topology.name}' has no \`bedrock\` section`);
  }
  const fn = index.function(bedrock.function);
  const invoker = index.role(bedrock.invokerRole);
  const planned = plan.vpcs[vpcName];
  const root = `arn:aws:iam::${planned.accountId}:root`;
  const trusted = invoker.trust.statements.some((s) => s.principal?.aws?.includes(root));
  if (!trusted) {
    throw new Error(
      `${scope.node.path}: account '${planned.account}' is not in \`bedrock.invokers\`, so its workloads may not assume ${invoker.name}`,
    );
  }
  // the workloads reach STS and Lambda in the function's region: the plan must prove it
  for (const service of ['sts', 'lambda']) {
    const proof = plan.reachability.find((p) => p.vpc === vpcName && p.service === service && p.region === fn.region && p.ok);
    if (!proof) {
      throw new Error(
        `${scope.node.path}: no workload of '${vpcName}' is proven to reach ${service} in ${fn.region}; add \`needs: [${service}@${fn.region}]\` to a workload of this VPC in the topology`,
      );
    }
  }
  const externalId = requiredExternalId(invoker);
  const stsEndpointUrl = stsEndpoint(plan, fn.region);

  const services = [...(w.function ? ['lambda.amazonaws.com'] : []), ...(w.notebook ? ['sagemaker.amazonaws.com'] : [])];
  // what the workloads need to run (their logs, ENIs, notebook key), filled in below
  const statements: IamJson[] = [];
  const role = new iam.CfnRole(scope, 'WorkloadRole', {
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
        policyDocument: iamDocument([new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [invoker.arn] }).toStatementJson()]),
      },
      { policyName: 'run', policyDocument: iamDocument(statements) },
    ],
  });
  const sg = new ec2.CfnSecurityGroup(scope, 'WorkloadSecurityGroup', {
    vpcId: vpc.vpcId,
    groupDescription: `${vpcName} workloads: HTTPS to the planned endpoints only`,
    securityGroupEgress: httpsToPlannedEndpoints(plan, vpcName),
  });
  const subnets = vpc.subnetIds('workload');
  if (subnets.length === 0) {
    throw new Error(
      `${scope.node.path}: '${vpcName}' has no workload subnets in the plan; name the workloads in the topology's \`workloads\``,
    );
  }

  let client: lambda.CfnFunction | undefined;
  if (w.function) {
    const logGroup = functionLogGroup(scope, 'ClientLogs', logs.RetentionDays.ONE_YEAR);
    statements.push(logStatement(logGroup.attrArn).toStatementJson(), vpcEniStatement().toStatementJson());
    client = libraryFunction(scope, 'Client', {
      handler: 'bedrock-client',
      roleArn: role.attrArn,
      logGroup,
      timeoutSeconds: 300,
      environment: {
        INVOKER_ROLE_ARN: invoker.arn,
        FUNCTION_ARN: fn.arn,
        TARGET_REGION: fn.region,
        STS_ENDPOINT_URL: stsEndpointUrl,
        ...(externalId ? { EXTERNAL_ID: externalId } : {}),
      },
      vpc: { subnetIds: subnets, securityGroupIds: [sg.attrGroupId] },
    });
    acknowledgeVpcFunction(role, logGroup);
  }

  let notebook: sagemaker.CfnNotebookInstance | undefined;
  if (w.notebook) {
    // the key policy of aws-cdk-lib's kms.Key: the account administers it through IAM
    const key = new kms.CfnKey(scope, 'NotebookKey', {
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
    const facts: ClientNotebookFacts = {
      topology: topology.name,
      invokerRoleArn: invoker.arn,
      externalId,
      functionArn: fn.arn,
      functionRegion: fn.region,
      stsEndpointUrl,
      modelId: bedrock.models[0],
    };
    const lifecycle = new sagemaker.CfnNotebookInstanceLifecycleConfig(scope, 'NotebookClient', {
      onStart: [{ content: clientNotebookOnStart(facts) }],
    });
    notebook = new sagemaker.CfnNotebookInstance(scope, 'Notebook', {
      instanceType: w.notebookInstanceType ?? 'ml.t3.medium',
      roleArn: role.attrArn,
      subnetId: subnets[0],
      securityGroupIds: [sg.attrGroupId],
      directInternetAccess: 'Disabled',
      rootAccess: 'Disabled',
      kmsKeyId: key.attrKeyId,
      lifecycleConfigName: lifecycle.attrNotebookInstanceLifecycleConfigName,
      // IMDSv2 only: a request without a session token gets no credentials
      // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-sagemaker-notebookinstance-instancemetadataserviceconfiguration.html,
      // https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-imds.html)
      instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: '2' },
    });
  }
  return { role, function: client, notebook };
}

/** The `sts:ExternalId` the invoker role's trust requires (a topology without an organization), if any. */
function requiredExternalId(invoker: RolePlan): string | undefined {
  for (const statement of invoker.trust.statements) {
    const condition = (statement.conditions ?? []).find((c) => c.key === 'sts:ExternalId');
    if (condition) return condition.values[0];
  }
  return undefined;
}

/**
 * The STS endpoint of `region` as the workloads call it: the name of the
 * planned zone aliasing a hub's STS endpoint there, else the regional
 * endpoint's documented name (https://docs.aws.amazon.com/general/latest/gr/sts.html),
 * which a local endpoint's private DNS answers.
 */
function stsEndpoint(plan: Plan, region: string): string {
  const index = PlanIndex.of(plan);
  const zone = plan.dns.hostedZones.find((z) => {
    const endpoint = index.endpoint(z.endpoint);
    return endpoint.service === 'sts' && endpoint.region === region && z.name.startsWith('sts.');
  });
  return `https://${zone?.name ?? `sts.${region}.amazonaws.com`}`;
}
