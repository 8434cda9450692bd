import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { Exchange } from './private/exchange';
import { PlanIndex } from './private/plan-index';
import { shareWithAccounts } from './private/resource-share';
import type { Topology } from './topology';

/** Props of `PlannedTransitGateway`. */
export interface PlannedTransitGatewayProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The transit gateway's ID in the plan (`routing.transitGateways[].id`, e.g. `tgw/us-east-1`). */
  readonly transitGatewayId: string;
}

/**
 * A transit gateway as planned: its ASN, no default route tables (the
 * `links` stack builds the planned ones), attachments accepted from the
 * accounts it is shared with by RAM (inside the organization only). Its ID
 * is published for the stacks that attach to it.
 *
 * @resource AWS::EC2::TransitGateway
 */
export class PlannedTransitGateway extends Construct {
  /** The deployed transit gateway's ID (a token). */
  public readonly transitGatewayId: string;

  constructor(scope: Construct, id: string, props: PlannedTransitGatewayProps) {
    super(scope, id);
    const { topology } = props;
    const tgw = PlanIndex.of(topology.plan).transitGateway(props.transitGatewayId);
    const gateway = new ec2.CfnTransitGateway(this, 'Resource', {
      amazonSideAsn: tgw.asn,
      autoAcceptSharedAttachments: 'enable',
      defaultRouteTableAssociation: 'disable',
      defaultRouteTablePropagation: 'disable',
      dnsSupport: 'enable',
      vpnEcmpSupport: 'enable',
      description: `${topology.name} ${tgw.id}`,
      tags: [{ key: 'Name', value: tgw.name }],
    });
    this.node.defaultChild = gateway;
    this.transitGatewayId = gateway.ref;
    Exchange.of(this, topology, tgw.stack).publish(tgw.idParameter, gateway.ref);
    const arn = Stack.of(this).formatArn({ service: 'ec2', resource: 'transit-gateway', resourceName: gateway.ref });
    shareWithAccounts(this, 'Share', topology.plan, tgw.name, arn, tgw.sharedWithAccounts);
  }
}
