// Shared by the construct tests: the examples' topologies built with
// TopologyStacks, and the validators (cdk-nag runs inside app.synth()).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { Topology, TopologyStacks } = require('../lib/index.js');
const { App, Validations } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');

export const root = new URL('../..', import.meta.url).pathname;

export function topologyOf(example) {
  return Topology.fromFile(join(root, `examples/${example}/topology.yaml`));
}

/** An app with every stack of a topology, checked by cdk-nag on synth. */
export function buildApp(topology, props = {}) {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const stacks = new TopologyStacks(app, 'Linkplan', topology, props);
  return { app, stacks };
}

/** Runs cfn-lint on every template of an assembly (exit 0: no errors or warnings). */
export function cfnLint(assembly, label) {
  const bin = process.env.LINKPLAN_CFN_LINT ?? join(root, '.venv/bin/cfn-lint');
  if (!existsSync(bin)) {
    assert.ok(!process.env.LINKPLAN_REQUIRE_MOTO, `cfn-lint is required here but ${bin} is missing`);
    console.log(`SKIPPED: ${bin} not installed; run through test/all.sh`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), `linkplan-${label}-`));
  const files = assembly.stacks.map((s) => {
    const f = join(dir, `${s.stackName}.json`);
    writeFileSync(f, JSON.stringify(s.template));
    return f;
  });
  execFileSync(bin, ['--config-file', join(root, 'cdk-lib/test/cfn-lint.yaml'), '--format', 'parseable', ...files], { encoding: 'utf8' });
}

/**
 * A template's resources, counted as `TopologyStacks`' checkQuota counts
 * the stack's CfnResource constructs: CDK metadata is a resource of the
 * template only when version reporting is on (it is off in these apps), and
 * `BootstrapVersion` is a parameter.
 */
export function resourceCount(template) {
  return Object.values(template.Resources ?? {}).filter((r) => r.Type !== 'AWS::CDK::Metadata').length;
}

/** The construct IDs of the client workloads (private/bedrock-clients.ts), which the plan does not count. */
const WORKLOAD_IDS = ['WorkloadRole', 'WorkloadSecurityGroup', 'ClientLogs', 'Client', 'NotebookKey', 'NotebookClient', 'Notebook'];
const WORKLOAD_LOGICAL_ID = new RegExp(`(${WORKLOAD_IDS.join('|')})[0-9A-F]{8}$`);

/**
 * The resources of the client workloads an app passes to TopologyStacks:
 * by their construct paths when the template has them, else by their
 * logical IDs, which end with the construct ID and an 8-digit hash.
 */
export function workloadResources(template) {
  return Object.entries(template.Resources ?? {}).filter(([id, r]) => {
    const path = r.Metadata?.['aws:cdk:path'];
    return typeof path === 'string' ? WORKLOAD_IDS.includes(path.split('/').at(-1)) : WORKLOAD_LOGICAL_ID.test(id);
  }).length;
}
