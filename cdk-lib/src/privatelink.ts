import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { PrivateLinkPlan } from './plan';
import type { PlannedVpc } from './planned-vpc';
import { Exchange } from './private/exchange';
import { PlanIndex } from './private/plan-index';
import { NO_EGRESS } from './private/vpc-function';
import type { Topology } from './topology';

/** Props of `PrivateLinkService` and `PrivateLinkConsumer`. */
export interface PrivateLinkProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The service's name in `privatelink[]`. */
  readonly service: string;
  /** The producer's (or, for a consumer, the consumer's) planned VPC. */
  readonly vpc: PlannedVpc;
}

function planned(scope: Construct, topology: Topology, service: string): PrivateLinkPlan {
  const found = PlanIndex.of(topology.plan).service(service);
  if (!found) {
    throw new Error(`${scope.node.path}: PrivateLink service '${service}' is not in topology '${topology.name}'`);
  }
  return found;
}

/**
 * The producer side of a PrivateLink service of your own, as planned: an
 * internal network load balancer in the producer VPC's workload subnets, a
 * TCP listener and an empty IP target group (register your targets in
 * `targetGroup`), and an endpoint service that requires acceptance (unless
 * the topology says otherwise, with a warning) and allows only the planned
 * consumer accounts. The service name is published for the consumers.
 */
export class PrivateLinkService extends Construct {
  /** Register the service's targets here. */
  public readonly targetGroup: elbv2.CfnTargetGroup;
  /** The endpoint service's name (`com.amazonaws.vpce.<region>.vpce-svc-…`), a token. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: PrivateLinkProps) {
    super(scope, id);
    const { topology, vpc } = props;
    const s = planned(this, topology, props.service);
    if (s.producer.vpc !== vpc.vpcName) {
      throw new Error(`${this.node.path}: '${props.service}' is produced in VPC '${s.producer.vpc}', not '${vpc.vpcName}'`);
    }
    const port = s.producer.port;
    const sg = new ec2.CfnSecurityGroup(this, 'SecurityGroup', {
      vpcId: vpc.vpcId,
      groupDescription: `${s.name}: port ${port} from the producer VPC only`,
      securityGroupIngress: s.producer.securityGroup.ingress.map((i) => ({
        ipProtocol: i.protocol,
        fromPort: i.port,
        toPort: i.port,
        cidrIp: i.cidr,
        description: 'the producer VPC',
      })),
      securityGroupEgress: [
        { ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIp: vpc.cidr, description: 'the targets, in the producer VPC' },
      ],
    });
    const nlb = new elbv2.CfnLoadBalancer(this, 'LoadBalancer', {
      type: 'network',
      scheme: 'internal',
      subnets: s.producer.subnets.map((cidr) => vpc.subnetIdOf(cidr)),
      securityGroups: [sg.attrGroupId],
      // PrivateLink connections are admitted by the endpoint service (allowed
      // principals, acceptance) and by the consumer endpoints' groups; the
      // NLB group guards the producer VPC's own clients
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off',
      loadBalancerAttributes: [
        { key: 'load_balancing.cross_zone.enabled', value: 'true' },
        { key: 'deletion_protection.enabled', value: 'true' },
      ],
    });
    Validations.of(nlb).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason:
        'NLB access logs record TLS listeners only; this listener is TCP passthrough (TLS ends at the targets), and the producer VPC flow logs record every connection.',
    });
    this.targetGroup = new elbv2.CfnTargetGroup(this, 'Targets', {
      vpcId: vpc.vpcId,
      protocol: 'TCP',
      port,
      targetType: 'ip',
      healthCheckProtocol: 'TCP',
    });
    new elbv2.CfnListener(this, 'Listener', {
      loadBalancerArn: nlb.ref,
      protocol: 'TCP',
      port,
      defaultActions: [{ type: 'forward', targetGroupArn: this.targetGroup.ref }],
    });
    const service = new ec2.CfnVPCEndpointService(this, 'EndpointService', {
      networkLoadBalancerArns: [nlb.ref],
      acceptanceRequired: s.acceptanceRequired,
      supportedRegions: s.supportedRegions.length > 0 ? s.supportedRegions : undefined,
    });
    if (s.allowedPrincipals.length > 0) {
      new ec2.CfnVPCEndpointServicePermissions(this, 'AllowedPrincipals', {
        serviceId: service.ref,
        allowedPrincipals: s.allowedPrincipals,
      });
    }
    this.serviceName = `com.amazonaws.vpce.${Stack.of(this).region}.${service.ref}`;
    Exchange.of(this, topology, vpc.planned.stack).publish(s.serviceNameParameter, this.serviceName);
  }
}

/**
 * A consumer's interface endpoint to a PrivateLink service of the
 * topology, as planned: in the consumer's endpoint subnets in the AZs the
 * producer covers, private DNS off, a security group admitting only the
 * consumer's workload subnets on the service port. The service name is
 * read from where the producer published it; the connection waits for the
 * producer's acceptance when the service requires it.
 */
export class PrivateLinkConsumer extends Construct {
  /** The endpoint's ID (a token). */
  public readonly endpointId: string;

  constructor(scope: Construct, id: string, props: PrivateLinkProps) {
    super(scope, id);
    const { topology, vpc } = props;
    const s = planned(this, topology, props.service);
    const c = s.consumers.find((x) => x.vpc === vpc.vpcName);
    if (!c) {
      throw new Error(`${this.node.path}: VPC '${vpc.vpcName}' is not a planned consumer of '${s.name}'`);
    }
    const sg = new ec2.CfnSecurityGroup(this, 'SecurityGroup', {
      vpcId: vpc.vpcId,
      groupDescription: `${c.id}: port ${s.producer.port} from the planned workloads only`,
      securityGroupIngress: c.securityGroup.ingress.map((i) => ({
        ipProtocol: i.protocol,
        fromPort: i.port,
        toPort: i.port,
        cidrIp: i.cidr,
        description: 'planned workload subnets',
      })),
      securityGroupEgress: NO_EGRESS,
    });
    const producer = PlanIndex.of(topology.plan).vpc(s.producer.vpc).stack;
    const endpoint = new ec2.CfnVPCEndpoint(this, 'Endpoint', {
      vpcId: vpc.vpcId,
      vpcEndpointType: 'Interface',
      serviceName: Exchange.of(this, topology, vpc.planned.stack).get(s.serviceNameParameter, producer),
      serviceRegion: c.region !== s.producer.region ? s.producer.region : undefined,
      privateDnsEnabled: c.privateDns,
      subnetIds: c.subnets.map((cidr) => vpc.subnetIdOf(cidr)),
      securityGroupIds: [sg.attrGroupId],
    });
    this.endpointId = endpoint.ref;
  }
}
