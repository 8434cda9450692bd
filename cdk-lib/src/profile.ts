import { Stack } from 'aws-cdk-lib';
import * as route53profiles from 'aws-cdk-lib/aws-route53profiles';
import { Construct } from 'constructs';
import type { PlannedEndpoints } from './planned-endpoints';
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
  /**
   * The endpoints of the hub VPCs built in this stack, by VPC name: the hub
   * endpoints the plan lists in the Profile (`endpoints`) are associated
   * with it by their ARN.
   *
   * @default - none; a Profile whose plan lists endpoints throws
   */
  readonly hubEndpoints?: Record<string, PlannedEndpoints>;
}

/**
 * A Route 53 Profile as planned: it holds the hub zones its consumers need
 * (read from where the zones were published) and the hub endpoints of its
 * region whose own private DNS answers them, is shared by RAM with the
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
    for (const endpointId of profile.endpoints ?? []) {
      const endpoint = index.endpoint(endpointId);
      const builtEndpoints = props.hubEndpoints?.[endpoint.vpc];
      if (!builtEndpoints) throw new Error(`${this.node.path}: endpoint ${endpointId} of Profile ${profile.id} is not built in this stack`);
      // "Associate interface VPC endpoints to a Route 53 Profile": the resource is the endpoint's ARN
      // (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profile-associate-vpc-endpoints.html)
      const arn = Stack.of(this).formatArn({
        service: 'ec2',
        region: endpoint.region,
        resource: 'vpc-endpoint',
        resourceName: builtEndpoints.endpointId(endpoint.service),
      });
      new route53profiles.CfnProfileResourceAssociation(this, constructId('Endpoint', stableId(topology.plan, endpointId)), {
        name: profile.endpointAssociationNames?.[endpointId] ?? endpointId,
        profileId: built.attrId,
        resourceArn: arn,
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
