import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { DeployCalls } from './private/deploy-calls';
import { Exchange } from './private/exchange';
import { PlanIndex } from './private/plan-index';
import type { Topology } from './topology';

/** Props of `PlannedTgwPeering`. */
export interface PlannedTgwPeeringProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The peering's ID in the plan (`routing.tgwPeerings[].id`). */
  readonly peeringId: string;
}

/**
 * An inter-region transit gateway peering as planned: requested by the
 * requester's gateway (this construct belongs in its `links` stack) and
 * accepted in the peer region at deploy by a custom resource, so nobody
 * accepts it by hand. Its attachment ID is published.
 *
 * @resource AWS::EC2::TransitGatewayPeeringAttachment
 */
export class PlannedTgwPeering extends Construct {
  /** The peering attachment's ID (a token). */
  public readonly attachmentId: string;

  constructor(scope: Construct, id: string, props: PlannedTgwPeeringProps) {
    super(scope, id);
    const { topology } = props;
    const index = PlanIndex.of(topology.plan);
    const p = index.peering(props.peeringId);
    if (!p) throw new Error(`${this.node.path}: the plan has no transit gateway peering '${props.peeringId}'`);
    const requester = index.transitGateway(p.requester);
    const peer = index.transitGateway(p.accepter);
    const exchange = Exchange.of(this, topology, requester.linksStack);
    const peerAccountId = topology.plan.accounts[peer.account];
    const attachment = new ec2.CfnTransitGatewayPeeringAttachment(this, 'Resource', {
      transitGatewayId: exchange.get(requester.idParameter, requester.stack),
      peerTransitGatewayId: exchange.get(peer.idParameter, peer.stack),
      peerAccountId,
      peerRegion: peer.region,
      tags: [{ key: 'Name', value: p.tagName }],
    });
    this.node.defaultChild = attachment;
    this.attachmentId = attachment.attrTransitGatewayAttachmentId;
    DeployCalls.of(this, topology.name).call(
      this,
      'Accept',
      'accept-peering',
      'LinkplanPeeringAcceptance',
      { Region: peer.region, AttachmentId: attachment.attrTransitGatewayAttachmentId },
      [
        {
          Action: 'ec2:AcceptTransitGatewayPeeringAttachment',
          Resource: `arn:aws:ec2:${peer.region}:${peerAccountId}:transit-gateway-attachment/${attachment.attrTransitGatewayAttachmentId}`,
        },
      ],
    );
    exchange.publish(p.idParameter, attachment.attrTransitGatewayAttachmentId);
  }
}
