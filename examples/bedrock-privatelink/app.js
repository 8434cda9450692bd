#!/usr/bin/env node
// The Bedrock example: every account's and region's stacks from topology.yaml
// (or the file given with `-c topology=PATH`), in deploy order.
const path = require('node:path');
const { App, Validations } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');
const { Topology, TopologyStacks } = require('@linkplan/cdk');

const app = new App();
const file = app.node.tryGetContext('topology') ?? path.join(__dirname, 'topology.yaml');
const topology = Topology.fromFile(file);

const stacks = new TopologyStacks(app, 'Linkplan', topology, { workloads: clientWorkloads(topology.plan) });
// cdk-nag's AwsSolutions pack: an unacknowledged finding fails synth
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

if (!process.env.LINKPLAN_QUIET) {
  console.error(`Linkplan ${topology.name}: deploy order (cdk deploy --all follows it)\n${stacks.deployOrder()}`);
}

/**
 * The seed's client workloads, from the topology: in each VPC the plan puts
 * them in (a spoke, a hub or the ML VPC), a notebook for a `kind: notebook`
 * workload and a function for a `kind: lambda` one, when it calls the
 * Bedrock function (needs Lambda in the function's region). Nothing here
 * names a VPC, so `-c topology=PATH` takes any topology.
 */
function clientWorkloads(plan) {
  const bedrock = plan.iam.bedrock;
  if (!bedrock) return {};
  const out = {};
  for (const w of plan.workloads) {
    if (!w.needs.includes(`lambda@${bedrock.region}`)) continue;
    const built = (out[w.vpc] ??= {});
    if (w.kind === 'notebook') built.notebook = true;
    if (w.kind === 'lambda') built.function = true;
  }
  return out;
}
