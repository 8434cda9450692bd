import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PlannedEndpoints } from './planned-endpoints';
import { PlannedVpc } from './planned-vpc';
import { addBedrockClients } from './private/bedrock-clients';
import type { Topology } from './topology';
import { VpcConnections } from './vpc-connections';

/**
 * The client workloads of the Bedrock function (seed 000's) a planned VPC may
 * run: a spoke's (`AppSpokeVpc`), a hub's (`NetworkHub`) or the ML VPC's
 * (`BedrockMlAccount`). They are built when the plan proves their path: the
 * VPC's account is an invoker, and a workload of the VPC reaches STS and
 * Lambda in the function's region.
 */
export interface SpokeWorkloads {
  /**
   * A SageMaker notebook instance in the workload subnets, without direct
   * internet access or root, IMDSv2 only, its volume encrypted with a KMS
   * key of its own. Its lifecycle configuration writes the client notebook
   * (`linkplan-bedrock-client.ipynb`) at each start: it assumes the invoker
   * role through the regional STS endpoint and streams the function's reply,
   * every value from the plan.
   * @default false
   */
  readonly notebook?: boolean;
  /**
   * The notebook's instance type.
   * @default 'ml.t3.medium'
   */
  readonly notebookInstanceType?: string;
  /**
   * A VPC function that assumes the ML account's invoker role through the
   * regional STS endpoint, invokes the Bedrock streaming function and streams
   * its reply on to its own caller (Lambda response streaming: call it with
   * InvokeWithResponseStream).
   * @default false
   */
  readonly function?: boolean;
}

/** Props of `AppSpokeVpc`. */
export interface AppSpokeVpcProps {
  /** The validated topology. */
  readonly topology: Topology;
  /** The VPC's name in the topology. */
  readonly vpcName: string;
  /**
   * Application workloads to run in the VPC.
   * @default - none
   */
  readonly workloads?: SpokeWorkloads;
}

/**
 * An application VPC, as planned: the VPC (subnets by AZ ID, flow logs,
 * resolver query logs), its local endpoints, its transit gateway
 * attachment and routes, and its side of the DNS mode (Profile or resolver
 * rule associations), reading the hub's IDs from where the hub published
 * them. Optionally the seed's workloads: a notebook and/or a function whose
 * role may assume only the ML account's invoker role.
 */
export class AppSpokeVpc extends Construct {
  public readonly vpc: PlannedVpc;
  public readonly endpoints: PlannedEndpoints;
  public readonly connections: VpcConnections;
  /** The workloads' role, when workloads are asked for. */
  public readonly workloadRole?: iam.CfnRole;

  constructor(scope: Construct, id: string, props: AppSpokeVpcProps) {
    super(scope, id);
    const { topology, vpcName } = props;
    this.vpc = new PlannedVpc(this, 'Vpc', { topology, vpcName });
    this.endpoints = new PlannedEndpoints(this, 'Endpoints', { topology, vpc: this.vpc });
    this.connections = new VpcConnections(this, 'Connections', { topology, vpc: this.vpc });

    // the client workloads, as children of this construct (their logical IDs since they were built here)
    this.workloadRole = addBedrockClients(this, topology, this.vpc, props.workloads)?.role;
  }
}
