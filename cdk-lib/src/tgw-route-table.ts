import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { TgwRouteTablePlan } from './plan';
import { vpcConstructId } from './private/plan-index';
import type { Topology } from './topology';

/** Props of `PlannedTgwRouteTable`. */
export interface PlannedTgwRouteTableProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The planned table (`routing.transitGateways[].routeTables[]`). */
  readonly table: TgwRouteTablePlan;
  /** The deployed transit gateway's ID. */
  readonly transitGatewayId: string;
  /**
   * The deployed attachment IDs the table names, by the plan's name for
   * them: a VPC's name for its VPC attachment, a peering's ID for its
   * peering attachment.
   */
  readonly attachmentIds: Record<string, string>;
}

/**
 * A transit gateway route table as planned: the attachments associated
 * with it, the attachments that propagate their routes into it, and its
 * static routes over the peerings.
 *
 * @resource AWS::EC2::TransitGatewayRouteTable
 */
export class PlannedTgwRouteTable extends Construct {
  /** The route table's ID (a token). */
  public readonly routeTableId: string;

  constructor(scope: Construct, id: string, props: PlannedTgwRouteTableProps) {
    super(scope, id);
    const { table } = props;
    const attachment = (name: string): string => {
      const found = props.attachmentIds[name];
      if (!found) throw new Error(`${this.node.path}: no attachment ID is given for '${name}', which table ${table.id} names`);
      return found;
    };
    const rt = new ec2.CfnTransitGatewayRouteTable(this, 'Resource', {
      transitGatewayId: props.transitGatewayId,
      tags: [{ key: 'Name', value: table.tagName }],
    });
    this.node.defaultChild = rt;
    this.routeTableId = rt.ref;
    for (const a of table.associations) {
      new ec2.CfnTransitGatewayRouteTableAssociation(this, `Association-${vpcConstructId(props.topology.plan, a)}`, {
        transitGatewayRouteTableId: rt.ref,
        transitGatewayAttachmentId: attachment(a),
      });
    }
    for (const v of table.propagations) {
      new ec2.CfnTransitGatewayRouteTablePropagation(this, `Propagation-${vpcConstructId(props.topology.plan, v)}`, {
        transitGatewayRouteTableId: rt.ref,
        transitGatewayAttachmentId: attachment(v),
      });
    }
    for (const r of table.staticRoutes) {
      new ec2.CfnTransitGatewayRoute(this, `Route-${r.cidr}`, {
        transitGatewayRouteTableId: rt.ref,
        destinationCidrBlock: r.cidr,
        transitGatewayAttachmentId: attachment(r.peering),
      });
    }
  }
}
