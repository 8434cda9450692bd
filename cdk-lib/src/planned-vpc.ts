import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import type { VpcPlan } from './plan';
import { PlanIndex } from './private/plan-index';
import type { Site } from './site';
import type { Topology } from './topology';

/** Props of `PlannedVpc`. */
export interface PlannedVpcProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The VPC's name in the topology (a key of `vpcs`). */
  readonly vpcName: string;
  /**
   * How long VPC flow logs and Route 53 Resolver query logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * A VPC exactly as the plan says: its CIDR, one subnet per tier and AZ ID
 * (subnets are placed by `AvailabilityZoneId`, so they line up across
 * accounts), a route table per tier, flow logs of all traffic and Route 53
 * Resolver query logs of every DNS query to CloudWatch Logs. Nothing here computes an address: it reads the plan.
 */
export class PlannedVpc extends Construct {
  /** The VPC's ID (a token until deploy). */
  public readonly vpcId: string;
  /** The VPC's CIDR, from the plan. */
  public readonly cidr: string;
  /** The VPC's name in the topology. */
  public readonly vpcName: string;
  /** The account, region and stack role the plan gives this VPC. */
  public readonly site: Site;
  /** The VPC as planned. */
  public readonly planned: VpcPlan;
  private readonly subnetsByTier = new Map<string, ec2.CfnSubnet[]>();
  private readonly routeTablesByTier = new Map<string, ec2.CfnRouteTable>();

  constructor(scope: Construct, id: string, props: PlannedVpcProps) {
    super(scope, id);
    const planned = props.topology.plan.vpcs[props.vpcName];
    if (!planned) {
      throw new Error(
        `${this.node.path}: VPC '${props.vpcName}' is not in topology '${props.topology.name}'; expected one of ${props.topology.vpcNames.join(', ')}`,
      );
    }
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && stack.region !== planned.region) {
      throw new Error(`${this.node.path}: VPC '${props.vpcName}' is planned in ${planned.region}, but this stack is in ${stack.region}`);
    }
    if (!Token.isUnresolved(stack.account) && stack.account !== planned.accountId) {
      throw new Error(
        `${this.node.path}: VPC '${props.vpcName}' is planned in account ${planned.accountId}, but this stack is in ${stack.account}`,
      );
    }
    this.vpcName = props.vpcName;
    this.site = PlanIndex.of(props.topology.plan).site(planned.stack);
    this.planned = planned;
    this.cidr = planned.cidr;

    const vpc = new ec2.CfnVPC(this, 'Vpc', {
      cidrBlock: planned.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: [{ key: 'Name', value: props.vpcName }],
    });
    this.vpcId = vpc.ref;

    for (const s of planned.subnets) {
      let table = this.routeTablesByTier.get(s.tier);
      if (!table) {
        table = new ec2.CfnRouteTable(this, `RouteTable-${s.tier}`, {
          vpcId: vpc.ref,
          tags: [{ key: 'Name', value: `${props.vpcName}-${s.tier}` }],
        });
        this.routeTablesByTier.set(s.tier, table);
      }
      const subnet = new ec2.CfnSubnet(this, `Subnet-${s.tier}-${s.az}`, {
        vpcId: vpc.ref,
        cidrBlock: s.cidr,
        availabilityZoneId: s.az,
        mapPublicIpOnLaunch: false,
        tags: [{ key: 'Name', value: `${props.vpcName}-${s.tier}-${s.az}` }],
      });
      new ec2.CfnSubnetRouteTableAssociation(this, `Association-${s.tier}-${s.az}`, { subnetId: subnet.ref, routeTableId: table.ref });
      const list = this.subnetsByTier.get(s.tier) ?? [];
      list.push(subnet);
      this.subnetsByTier.set(s.tier, list);
    }

    // L1 resources here: a VPC construct is built per planned VPC, and the
    // L2 log group and role cost a third of synth for big topologies
    const retentionInDays = props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR;
    const logGroup = new logs.CfnLogGroup(this, 'FlowLogs', { retentionInDays });
    logGroup.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const role = new iam.CfnRole(this, 'FlowLogsRole', {
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': stack.account } },
          },
        ],
      },
      policies: [
        {
          policyName: 'write-flow-logs',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
                Resource: logGroup.attrArn,
              },
            ],
          },
        },
      ],
    });
    new ec2.CfnFlowLog(this, 'FlowLog', {
      resourceId: vpc.ref,
      resourceType: 'VPC',
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logGroupName: logGroup.ref,
      deliverLogsPermissionArn: role.attrArn,
    });

    // Resolver query logs: who asked for which name, for audit and for
    // finding a workload that resolves a service to a public address
    const queryLogs = new logs.CfnLogGroup(this, 'QueryLogs', { retentionInDays });
    queryLogs.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const queryLogConfig = new resolver.CfnResolverQueryLoggingConfig(this, 'QueryLogConfig', {
      name: planned.queryLogConfigName,
      destinationArn: queryLogs.attrArn,
    });
    new resolver.CfnResolverQueryLoggingConfigAssociation(this, 'QueryLogAssociation', {
      resolverQueryLogConfigId: queryLogConfig.attrId,
      resourceId: vpc.ref,
    });
  }

  /**
   * The VPC as an `ec2.IVpc` whose private subnets are the tier's (with
   * their route table), for L2 constructs such as `lambda.Function`;
   * select them with `{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }`.
   */
  public asIVpc(tier: string): ec2.IVpc {
    const id = `IVpc-${tier}`;
    const existing = this.node.tryFindChild(id) as ec2.IVpc | undefined;
    if (existing) return existing;
    const subnets = this.subnetIds(tier);
    const table = this.routeTableId(tier);
    return ec2.Vpc.fromVpcAttributes(this, id, {
      vpcId: this.vpcId,
      vpcCidrBlock: this.cidr,
      availabilityZones: (this.subnetsByTier.get(tier) ?? []).map((s) => s.availabilityZoneId as string),
      isolatedSubnetIds: subnets,
      isolatedSubnetRouteTableIds: subnets.map(() => table),
    });
  }

  /** The subnet tiers of this VPC, in plan order. */
  public get tiers(): string[] {
    return [...this.routeTablesByTier.keys()];
  }

  /** The subnet IDs of a tier, in the plan's AZ order. */
  public subnetIds(tier: string): string[] {
    const list = this.subnetsByTier.get(tier);
    if (!list) {
      throw new Error(
        `${this.node.path}: VPC '${this.vpcName}' has no '${tier}' subnets; it has ${[...this.subnetsByTier.keys()].join(', ')}`,
      );
    }
    return list.map((s) => s.ref);
  }

  /** The ID of the planned subnet with this CIDR. */
  public subnetIdOf(cidr: string): string {
    const subnet = [...this.subnetsByTier.values()].flat().find((s) => s.cidrBlock === cidr);
    if (!subnet) {
      throw new Error(`${this.node.path}: VPC '${this.vpcName}' has no subnet ${cidr}`);
    }
    return subnet.ref;
  }

  /** The route table ID of a tier. */
  public routeTableId(tier: string): string {
    const table = this.routeTablesByTier.get(tier);
    if (!table) {
      throw new Error(`${this.node.path}: VPC '${this.vpcName}' has no '${tier}' route table`);
    }
    return table.ref;
  }
}
