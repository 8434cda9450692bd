import * as route53profiles from 'aws-cdk-lib/aws-route53profiles';
import { Construct } from 'constructs';
import type { PlannedVpc } from './planned-vpc';
import { Exchange } from './private/exchange';
import { constructId, stableId, vpcConstructId, PlanIndex } from './private/plan-index';
import { shareWithAccounts } from './private/resource-share';
import type { Topology } from './topology';

/** Props of `PlannedProfile`. */
export interface PlannedProfileProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The Profile's ID in the plan (`dns.profiles[].id`, `<account>/<region>`). */
  readonly profileId: string;
  /** The VPCs built in this stack, by name: the Profile is associated with those the plan lists. */
  readonly vpcs: Record<string, PlannedVpc>;
}

/**
 * A Route 53 Profile as planned: it holds the hub zones its consumers need
 * (read from where the zones were published), is shared by RAM with the
 * consumers' accounts and associated with the planned VPCs of this stack
 * (the others associate themselves, in `VpcConnections`). Its ID is published.
 *
 * @resource AWS::Route53Profiles::Profile
 */
export class PlannedProfile extends Construct {
  /** The Profile's ID (a token). */
  public readonly profileId: string;

  constructor(scope: Construct, id: string, props: PlannedProfileProps) {
    super(scope, id);
    const { topology } = props;
    const index = PlanIndex.of(topology.plan);
    const profile = (topology.plan.dns.profiles ?? []).find((p) => p.id === props.profileId);
    if (!profile) throw new Error(`${this.node.path}: the plan has no Route 53 Profile '${props.profileId}'`);
    const exchange = Exchange.of(this, topology, profile.stack);
    const built = new route53profiles.CfnProfile(this, 'Resource', { name: profile.name });
    this.node.defaultChild = built;
    this.profileId = built.attrId;
    for (const zoneId of profile.zones) {
      const zone = index.zone(zoneId);
      new route53profiles.CfnProfileResourceAssociation(this, constructId('Zone', stableId(topology.plan, zoneId)), {
        name: profile.zoneAssociationNames[zoneId],
        profileId: built.attrId,
        resourceArn: `arn:aws:route53:::hostedzone/${exchange.get(zone.idParameter, zone.stack)}`,
      });
    }
    shareWithAccounts(this, 'Share', topology.plan, profile.name, built.attrArn, profile.sharedWithAccounts);
    for (const v of profile.associations.filter((x) => props.vpcs[x])) {
      new route53profiles.CfnProfileAssociation(this, `Association-${vpcConstructId(topology.plan, v)}`, {
        name: profile.associationNames[v],
        profileId: built.attrId,
        resourceId: props.vpcs[v].vpcId,
      });
    }
    exchange.publish(profile.idParameter, built.attrId);
  }
}
