import { CfnOutput } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as resolver from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';
import { Direction } from './plan';
import type { PlannedVpc } from './planned-vpc';
import { PlanIndex } from './private/plan-index';
import { NO_EGRESS } from './private/vpc-function';
import type { Topology } from './topology';

/** Props of `PlannedResolverEndpoint`. */
export interface PlannedResolverEndpointProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The endpoint's ID in the plan (`dns.resolverEndpoints[].id`, `<hub>/inbound` or `<hub>/outbound`). */
  readonly resolverEndpointId: string;
  /** The hub VPC it is planned in. */
  readonly vpc: PlannedVpc;
}

/**
 * A Route 53 Resolver endpoint of a `resolver`-mode hub, as planned: its
 * fixed IPs in the hub's endpoint subnets and a security group admitting
 * DNS from the planned consumers only (inbound), or sending DNS to the
 * hub's inbound IPs only (outbound). An inbound endpoint's IPs are a stack
 * output, for the on-premises forwarders.
 *
 * @resource AWS::Route53Resolver::ResolverEndpoint
 */
export class PlannedResolverEndpoint extends Construct {
  /** The endpoint's ID (a token). */
  public readonly resolverEndpointId: string;

  constructor(scope: Construct, id: string, props: PlannedResolverEndpointProps) {
    super(scope, id);
    const { topology, vpc } = props;
    const index = PlanIndex.of(topology.plan);
    const r = index.resolverEndpoint(props.resolverEndpointId);
    const inbound = r.direction === Direction.INBOUND;
    // outbound endpoints only send to the inbound endpoints' fixed IPs
    const targets = (topology.plan.dns.resolverEndpoints ?? [])
      .filter((t) => t.direction === Direction.INBOUND && t.vpc === r.vpc)
      .flatMap((t) => t.ips);
    const sg = new ec2.CfnSecurityGroup(this, 'SecurityGroup', {
      vpcId: vpc.vpcId,
      groupDescription: inbound ? `${r.id}: DNS from the planned consumers only` : `${r.id}: DNS to the inbound resolver only`,
      securityGroupIngress: r.securityGroup.ingress.map((i) => ({
        ipProtocol: i.protocol,
        fromPort: i.port,
        toPort: i.port,
        cidrIp: i.cidr,
        description: 'planned DNS client',
      })),
      securityGroupEgress: inbound
        ? NO_EGRESS
        : targets.flatMap((ip) =>
            ['tcp', 'udp'].map((p) => ({
              ipProtocol: p,
              fromPort: 53,
              toPort: 53,
              cidrIp: `${ip}/32`,
              description: 'the inbound resolver',
            })),
          ),
    });
    const endpoint = new resolver.CfnResolverEndpoint(this, 'Resource', {
      name: r.name,
      direction: inbound ? 'INBOUND' : 'OUTBOUND',
      securityGroupIds: [sg.attrGroupId],
      ipAddresses: r.subnets.map((cidr, i) => ({ subnetId: vpc.subnetIdOf(cidr), ip: r.ips[i] })),
    });
    this.node.defaultChild = endpoint;
    this.resolverEndpointId = endpoint.attrResolverEndpointId;
    if (inbound) {
      // on-premises DNS servers forward the endpoint names to these
      new CfnOutput(this, 'Ips', { value: r.ips.join(','), description: `${r.id}: forward the endpoint names here from on-premises DNS` });
    }
  }
}
