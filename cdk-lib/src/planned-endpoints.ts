import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { EndpointKind } from './plan';
import type { PlannedVpc } from './planned-vpc';
import { Exchange } from './private/exchange';
import { iamPolicy } from './private/policy';
import { NO_EGRESS } from './private/vpc-function';
import type { Topology } from './topology';

/** Props of `PlannedEndpoints`. */
export interface PlannedEndpointsProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The VPC the endpoints are planned in. */
  readonly vpc: PlannedVpc;
}

/** An interface endpoint's regional DNS name, for alias records. */
export interface EndpointDns {
  readonly dnsName: string;
  readonly hostedZoneId: string;
}

/**
 * The VPC endpoints the plan gives one VPC: interface endpoints in its
 * `endpoints` subnets, each with a security group admitting only the
 * planned consumers (CIDRs, or a managed prefix list past the rule quota)
 * and the planned endpoint policy; gateway endpoints in the planned tiers'
 * route tables. Private DNS is on or off as the plan says. The IDs of the
 * endpoints that other stacks' policies name are published.
 */
export class PlannedEndpoints extends Construct {
  private readonly endpoints = new Map<string, ec2.CfnVPCEndpoint>();

  constructor(scope: Construct, id: string, props: PlannedEndpointsProps) {
    super(scope, id);
    const vpc = props.vpc;
    const planned = props.topology.plan.endpoints.filter((e) => e.vpc === vpc.vpcName);
    for (const e of planned) {
      const name = e.service.replace(/[^A-Za-z0-9]/g, '-');
      if (e.type === EndpointKind.GATEWAY) {
        this.endpoints.set(
          e.service,
          new ec2.CfnVPCEndpoint(this, `Gateway-${name}`, {
            vpcId: vpc.vpcId,
            serviceName: e.serviceName,
            vpcEndpointType: 'Gateway',
            routeTableIds: (e.routeTableTiers ?? []).map((t) => vpc.routeTableId(t)),
            policyDocument: iamPolicy(e.policy),
          }),
        );
        continue;
      }
      const group = e.securityGroup;
      if (!group) throw new Error(`${this.node.path}: interface endpoint ${e.id} has no planned security group; this is a Linkplan bug`);
      // the service's ports, as the plan's catalog gives them (9142 for
      // Keyspaces, the SMTP ports for email-smtp); 443 keeps the description
      // earlier releases deployed, which CloudFormation would replace the group for
      const ports = [...new Set(group.ingress.map((rule) => rule.port))].sort((a, b) => a - b);
      const sg = new ec2.CfnSecurityGroup(this, `SecurityGroup-${name}`, {
        vpcId: vpc.vpcId,
        groupDescription: `${e.id}: TCP ${ports.join(', ') || '443'} from the planned consumers only`,
        securityGroupEgress: NO_EGRESS,
      });
      let prefixListId: string | undefined;
      const list = group.prefixList;
      if (list) {
        prefixListId = new ec2.CfnPrefixList(this, `Consumers-${name}`, {
          prefixListName: list.name,
          addressFamily: 'IPv4',
          maxEntries: list.maxEntries,
          entries: list.entries.map((cidr) => ({ cidr })),
        }).attrPrefixListId;
      }
      group.ingress.forEach((rule, i) => {
        new ec2.CfnSecurityGroupIngress(this, `Ingress-${name}-${i}`, {
          groupId: sg.attrGroupId,
          ipProtocol: rule.protocol,
          fromPort: rule.port,
          toPort: rule.port,
          cidrIp: rule.cidr,
          sourcePrefixListId: rule.prefixList ? prefixListId : undefined,
          description: `planned consumer of ${e.id}`,
        });
      });
      this.endpoints.set(
        e.service,
        new ec2.CfnVPCEndpoint(this, `Interface-${name}`, {
          vpcId: vpc.vpcId,
          serviceName: e.serviceName,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: e.privateDns,
          subnetIds: vpc.subnetIds('endpoints'),
          securityGroupIds: [sg.attrGroupId],
          policyDocument: iamPolicy(e.policy),
        }),
      );
    }
    // the endpoints other stacks name (`aws:SourceVpce`, a private API) publish their IDs
    for (const e of planned) {
      if (e.idParameter) Exchange.of(this, props.topology, vpc.planned.stack).publish(e.idParameter, this.endpointId(e.service));
    }
  }

  /** The planned services of this VPC, by short name. */
  public get services(): string[] {
    return [...this.endpoints.keys()];
  }

  /** The deployed endpoint's ID (a token) for a service of this VPC. */
  public endpointId(service: string): string {
    return this.endpoint(service).ref;
  }

  /**
   * The endpoint's regional DNS name and its hosted zone ID (tokens), the
   * target of an alias record.
   */
  public regionalDns(service: string): EndpointDns {
    // the first DNS entry is the regional one, as "<zone id>:<dns name>"
    const first = Fn.select(0, this.endpoint(service).attrDnsEntries);
    return { hostedZoneId: Fn.select(0, Fn.split(':', first)), dnsName: Fn.select(1, Fn.split(':', first)) };
  }

  private endpoint(service: string): ec2.CfnVPCEndpoint {
    const e = this.endpoints.get(service);
    if (!e) {
      throw new Error(`${this.node.path}: no endpoint for '${service}' is planned here; planned: ${this.services.join(', ') || '(none)'}`);
    }
    return e;
  }
}
