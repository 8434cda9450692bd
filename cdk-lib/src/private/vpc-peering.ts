// The VPC peerings of `transit.mode: vpc-peering`, as planned: requested by
// the requester VPC's stack, accepted with the accepter's peer role across
// accounts (in one account without one), and routed both ways, the
// accepter's side by its account's and region's `links` stack, which deploys
// once the connection exists. Every name, ID parameter and policy is the
// plan's (`routing.vpcPeerings`).
// AWS::EC2::VPCPeeringConnection:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcpeeringconnection.html

import { Lazy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { VpcPeeringPlan } from '../plan';
import type { PlannedVpc } from '../planned-vpc';
import type { Topology } from '../topology';
import type { Exchange } from './exchange';
import { constructId, PlanIndex, stableId } from './plan-index';
import { iamPolicy } from './policy';

/** The requester's side, in its VPC's stack: the connection, its routes, its ID published. */
export function requestPeering(scope: Construct, topology: Topology, exchange: Exchange, vpc: PlannedVpc, p: VpcPeeringPlan): string {
  const index = PlanIndex.of(topology.plan);
  const accepter = index.vpc(p.accepter);
  const connection = new ec2.CfnVPCPeeringConnection(scope, constructId('Peering', stableId(topology.plan, p.id)), {
    vpcId: vpc.vpcId,
    // in one stack the accepter may be built after the requester: read its ID at synth
    peerVpcId:
      accepter.stack === p.stack
        ? Lazy.string({ produce: () => exchange.get(accepter.idParameter, accepter.stack) })
        : exchange.get(accepter.idParameter, accepter.stack),
    peerOwnerId: p.crossAccount ? p.accepterAccountId : undefined,
    peerRegion: p.crossRegion ? p.accepterRegion : undefined,
    peerRoleArn: p.peerRole?.arn,
    tags: [{ key: 'Name', value: p.tagName }],
  });
  exchange.publish(p.idParameter, connection.ref);
  return connection.ref;
}

/**
 * The accepter's side, in its VPC's stack: the peer role the requester
 * accepts with (across accounts), and its route tables' IDs published for
 * the routes its `links` stack adds.
 */
export function acceptPeering(
  scope: Construct,
  topology: Topology,
  exchange: Exchange,
  vpc: PlannedVpc,
  p: VpcPeeringPlan,
  published: Set<string>,
): void {
  const role = p.peerRole;
  if (role) {
    const built = new iam.CfnRole(scope, constructId('PeerRole', stableId(topology.plan, p.id)), {
      roleName: role.name,
      description: `Lets ${p.requester}'s account accept its VPC peering with ${p.accepter}`,
      assumeRolePolicyDocument: iamPolicy(role.trust),
      policies: [{ policyName: 'accept-peering', policyDocument: iamPolicy(role.permissions) }],
    });
    const wildcards = role.permissions.statements.flatMap((st) => st.resources ?? []).filter((r) => r.includes('*'));
    Validations.of(built).acknowledge(
      ...wildcards.map((r) => ({
        id: `AwsSolutions-IAM5[Resource::${r}]`,
        reason:
          'The connection and the requester VPC do not exist when the role is made; ec2:RequesterVpc admits connections from VPCs of the requester account and region only.',
      })),
    );
  }
  for (const [tier, parameter] of Object.entries(p.accepterRouteTables)) {
    if (published.has(parameter)) continue;
    published.add(parameter);
    exchange.publish(parameter, vpc.routeTableId(tier));
  }
}

/** The accepter's routes to the requester, in the `links` stack of the accepter's account and region. */
export function routeAccepter(scope: Construct, topology: Topology, exchange: Exchange, p: VpcPeeringPlan): void {
  const index = PlanIndex.of(topology.plan);
  const accepter = index.vpc(p.accepter);
  const requester = index.vpc(p.requester);
  const connectionId = exchange.get(p.idParameter, p.stack);
  for (const [tier, parameter] of Object.entries(p.accepterRouteTables)) {
    new ec2.CfnRoute(scope, constructId('PeeringRoute', `${stableId(topology.plan, p.id)}/${tier}`), {
      routeTableId: exchange.get(parameter, accepter.stack),
      destinationCidrBlock: requester.cidr,
      vpcPeeringConnectionId: connectionId,
    });
  }
}
