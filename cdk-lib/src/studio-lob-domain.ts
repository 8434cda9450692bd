import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { DomainPlan } from './plan';
import type { PlannedVpc } from './planned-vpc';
import { Exchange } from './private/exchange';
import { PlanIndex } from './private/plan-index';
import { iamDocument, iamPolicy } from './private/policy';
import { studioPlan, studioValues } from './private/studio-plan';
import { httpsToPlannedEndpoints } from './private/vpc-function';
import type { Topology } from './topology';

/** Props of `StudioLobDomain`. */
export interface StudioLobDomainProps {
  /** The validated topology; its `studio.domains` names the LOB. */
  readonly topology: Topology;
  /** The line of business (`studio.domains[].lob`). */
  readonly lob: string;
  /** The LOB's planned VPC (e.g. an `AppSpokeVpc`'s). */
  readonly vpc: PlannedVpc;
}

/**
 * One line of business's SageMaker Studio, as planned: a domain in
 * `VpcOnly` mode with IAM auth in the LOB VPC's workload subnets (its
 * storage encrypted with a key of its own), the planned user profiles, an
 * execution role limited to the domain's own apps, spaces and logs (not
 * AmazonSageMakerFullAccess), and the presigned-URL role that only the
 * portal's role may assume, usable only through the planned SageMaker API
 * and Studio endpoints (`aws:SourceVpce`).
 *
 * @resource AWS::SageMaker::Domain
 */
export class StudioLobDomain extends Construct {
  /** The domain's ID (a token). */
  public readonly domainId: string;
  /** The presigned-URL role. */
  public readonly urlRole: iam.CfnRole;

  constructor(scope: Construct, id: string, props: StudioLobDomainProps) {
    super(scope, id);
    const { topology, vpc } = props;
    const d = studioPlan(this, topology).domains.find((x) => x.lob === props.lob);
    if (!d) throw new Error(`${this.node.path}: LOB '${props.lob}' has no domain in topology '${topology.name}'`);
    if (d.vpc !== vpc.vpcName)
      throw new Error(`${this.node.path}: the domain of '${d.lob}' is planned in VPC '${d.vpc}', not '${vpc.vpcName}'`);

    const key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: `${d.name}: Studio storage`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const sg = this.securityGroup(topology, d, vpc);
    const execPlan = PlanIndex.of(topology.plan).role(d.executionRole);
    const execution = new iam.CfnRole(this, 'ExecutionRole', {
      roleName: execPlan.name,
      assumeRolePolicyDocument: iamPolicy(execPlan.trust),
    });
    const domain = new sagemaker.CfnDomain(this, 'Domain', {
      domainName: d.name,
      authMode: 'IAM',
      appNetworkAccessType: 'VpcOnly',
      vpcId: vpc.vpcId,
      subnetIds: vpc.subnetIds('workload'),
      kmsKeyId: key.keyId,
      defaultUserSettings: { executionRole: execution.attrArn, securityGroups: [sg.attrGroupId] },
    });
    this.node.defaultChild = domain;
    this.domainId = domain.attrDomainId;
    this.executionPolicy(d, domain, execution, key);
    for (const user of d.users) {
      new sagemaker.CfnUserProfile(this, `User-${user}`, {
        domainId: domain.attrDomainId,
        userProfileName: user,
        userSettings: { executionRole: execution.attrArn, securityGroups: [sg.attrGroupId] },
      });
    }
    this.urlRole = this.presignedUrlRole(topology, d, vpc, domain);
  }

  /** Studio apps talk to the domain's EFS (NFS) and to each other (8192-65535) inside the group. */
  private securityGroup(topology: Topology, d: DomainPlan, vpc: PlannedVpc): ec2.CfnSecurityGroup {
    const sg = new ec2.CfnSecurityGroup(this, 'SecurityGroup', {
      vpcId: vpc.vpcId,
      groupDescription: `${d.name}: Studio apps, their storage and the planned endpoints`,
      securityGroupEgress: httpsToPlannedEndpoints(topology.plan, d.vpc),
    });
    const rules: [number, number, string][] = [
      [2049, 2049, 'NFS to the domain storage'],
      [8192, 65535, 'between Studio apps'],
    ];
    for (const [from, to, what] of rules) {
      new ec2.CfnSecurityGroupIngress(this, `Self-${from}`, {
        groupId: sg.attrGroupId,
        ipProtocol: 'tcp',
        fromPort: from,
        toPort: to,
        sourceSecurityGroupId: sg.attrGroupId,
        description: what,
      });
      new ec2.CfnSecurityGroupEgress(this, `SelfOut-${from}`, {
        groupId: sg.attrGroupId,
        ipProtocol: 'tcp',
        fromPort: from,
        toPort: to,
        destinationSecurityGroupId: sg.attrGroupId,
        description: what,
      });
    }
    return sg;
  }

  /** The execution role's rights: this domain's apps and spaces, Studio's logs, the storage key. */
  private executionPolicy(d: DomainPlan, domain: sagemaker.CfnDomain, execution: iam.CfnRole, key: kms.Key): void {
    const arn = (resource: string) => `arn:aws:sagemaker:${d.region}:${d.accountId}:${resource}`;
    new iam.CfnPolicy(this, 'ExecutionPolicy', {
      policyName: 'studio-apps',
      roles: [execution.ref],
      policyDocument: iamDocument([
        {
          Sid: 'ThisDomainsAppsAndSpacesOnly',
          Effect: 'Allow',
          Action: [
            'sagemaker:DescribeDomain',
            'sagemaker:DescribeUserProfile',
            'sagemaker:DescribeSpace',
            'sagemaker:DescribeApp',
            'sagemaker:CreateApp',
            'sagemaker:DeleteApp',
            'sagemaker:ListApps',
            'sagemaker:ListSpaces',
            'sagemaker:ListTags',
            'sagemaker:AddTags',
          ],
          Resource: [
            arn(`domain/${domain.attrDomainId}`),
            arn(`user-profile/${domain.attrDomainId}/*`),
            arn(`space/${domain.attrDomainId}/*`),
            arn(`app/${domain.attrDomainId}/*`),
          ],
        },
        {
          Sid: 'StudioLogsOnly',
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [`arn:aws:logs:${d.region}:${d.accountId}:log-group:/aws/sagemaker/studio*`],
        },
        {
          Sid: 'DomainStorageKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          Resource: [key.keyArn],
        },
      ]),
    });
    const domainRef = `<${Stack.of(this).getLogicalId(domain)}.DomainId>`;
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:sagemaker:${d.region}:${d.accountId}:user-profile/${domainRef}/*]`,
        reason: "The domain's own user profiles, apps and spaces: their names are chosen as users work.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:sagemaker:${d.region}:${d.accountId}:space/${domainRef}/*]`,
        reason: "The domain's own spaces.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:sagemaker:${d.region}:${d.accountId}:app/${domainRef}/*]`,
        reason: "The domain's own apps.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:logs:${d.region}:${d.accountId}:log-group:/aws/sagemaker/studio*]`,
        reason: "Studio's own log groups.",
      },
    );
  }

  /**
   * The presigned-URL role, exactly as planned. Its trust names the portal's
   * role, read from the portal's stack so that this stack deploys after the
   * role exists (IAM refuses a trust policy naming a role that does not);
   * its conditions name the deployed SageMaker endpoints.
   */
  private presignedUrlRole(topology: Topology, d: DomainPlan, vpc: PlannedVpc, domain: sagemaker.CfnDomain): iam.CfnRole {
    const exchange = Exchange.of(this, topology, vpc.planned.stack);
    const values = studioValues(topology, (p, producer) => exchange.get(p, producer), domain.attrDomainId);
    const urlPlan = PlanIndex.of(topology.plan).role(d.urlRole);
    const role = new iam.CfnRole(this, 'UrlRole', {
      roleName: urlPlan.name,
      assumeRolePolicyDocument: iamPolicy(urlPlan.trust, values),
      maxSessionDuration: 3600,
      policies: [{ policyName: 'presigned-urls', policyDocument: iamPolicy(urlPlan.permissions, values) }],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'sagemaker:ListDomains has no resource-level permissions; it is limited to calls through the planned SageMaker API endpoint.',
    });
    return role;
  }
}
