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

const stacks = new TopologyStacks(app, 'Linkplan', topology, {
  // the seed's application workloads: a notebook and a function in Singapore
  // that call the ML account's streaming function in us-east-1
  workloads: { 'app-apse1': { notebook: true, function: true } },
});
// cdk-nag's AwsSolutions pack: an unacknowledged finding fails synth
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

if (!process.env.LINKPLAN_QUIET) {
  console.error(`Linkplan ${topology.name}: deploy order (cdk deploy --all follows it)\n${stacks.deployOrder()}`);
}
