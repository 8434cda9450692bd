#!/usr/bin/env node
// The Studio example: the networking, portal and LOB stacks from
// topology.yaml (or the file given with `-c topology=PATH`).
const path = require('node:path');
const { App, Validations } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');
const { Topology, TopologyStacks } = require('@linkplan/cdk');

const app = new App();
const file = app.node.tryGetContext('topology') ?? path.join(__dirname, 'topology.yaml');
const topology = Topology.fromFile(file);
const stacks = new TopologyStacks(app, 'Linkplan', topology);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

if (!process.env.LINKPLAN_QUIET) {
  console.error(`Linkplan ${topology.name}: deploy order (cdk deploy --all follows it)\n${stacks.deployOrder()}`);
}
