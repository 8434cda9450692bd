import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { PlannedEndpoints } from './planned-endpoints';
import type { PlannedVpc } from './planned-vpc';
import { Exchange } from './private/exchange';
import { PlanIndex } from './private/plan-index';
import type { Topology } from './topology';

/** Props of `PlannedHostedZone`. */
export interface PlannedHostedZoneProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The zone's ID in the plan (`dns.hostedZones[].id`, `<hub vpc>/<zone name>`). */
  readonly zoneId: string;
  /** The endpoints of the zone's hub VPC, whose regional DNS the records alias. */
  readonly hubEndpoints: PlannedEndpoints;
  /** The VPCs built in this stack, by name: the zone is associated with those the plan lists. */
  readonly vpcs: Record<string, PlannedVpc>;
}

/**
 * A private hosted zone as planned: the apex and wildcard alias records of
 * one service name pointing at the hub endpoint's regional DNS name,
 * associated with the planned VPCs of this stack (associations with VPCs of
 * other stacks are made by `NetworkLinks`). Its ID is published.
 *
 * @resource AWS::Route53::HostedZone
 */
export class PlannedHostedZone extends Construct {
  /** The zone's ID (a token). */
  public readonly hostedZoneId: string;

  constructor(scope: Construct, id: string, props: PlannedHostedZoneProps) {
    super(scope, id);
    const { topology } = props;
    const index = PlanIndex.of(topology.plan);
    const zone = index.zone(props.zoneId);
    const endpoint = index.endpoint(zone.endpoint);
    const hosted = new route53.CfnHostedZone(this, 'Resource', {
      name: zone.name,
      hostedZoneConfig: { comment: `${topology.name}: ${zone.name} answers with the ${endpoint.id} endpoint` },
      vpcs: zone.associations.filter((v) => props.vpcs[v]).map((v) => ({ vpcId: props.vpcs[v].vpcId, vpcRegion: zone.region })),
    });
    this.node.defaultChild = hosted;
    this.hostedZoneId = hosted.attrId;
    const target = props.hubEndpoints.regionalDns(endpoint.service);
    for (const record of zone.records) {
      new route53.CfnRecordSet(this, `Record-${record.name}`, {
        hostedZoneId: hosted.attrId,
        name: record.name,
        type: record.type,
        aliasTarget: { dnsName: target.dnsName, hostedZoneId: target.hostedZoneId, evaluateTargetHealth: false },
      });
    }
    Exchange.of(this, topology, zone.stack).publish(zone.idParameter, hosted.attrId);
  }
}
