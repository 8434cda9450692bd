// Every template the constructs synthesize passes cdk-nag's AwsSolutions
// pack (nothing unacknowledged) and cfn-lint (no errors or warnings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cfnLint, root } from './support.mjs';

const require = createRequire(import.meta.url);
const { Topology, PlannedVpc, PlannedEndpoints } = require('../lib/index.js');
const { App, Stack, Validations } = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const { AwsSolutionsChecks } = require('cdk-nag');

const topologies = ['bedrock-privatelink', 'studio-multi-account'].map((name) =>
  Topology.fromFile(join(root, `examples/${name}/topology.yaml`)),
);

/** One stack per planned VPC of both examples, each in its account and region, checked by
 * cdk-nag's AwsSolutions pack (cdk-nag 3: a CDK policy-validation plugin,
 * whose unacknowledged findings fail `app.synth()`). */
function synthAll(addMore = () => {}) {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const stacks = topologies.flatMap((topology) =>
    topology.vpcNames.map((name) => {
      const v = topology.plan.vpcs[name];
      const stack = new Stack(app, `${topology.name}-${name}`, { env: { account: v.accountId, region: v.region } });
      const vpc = new PlannedVpc(stack, 'Vpc', { topology, vpcName: name });
      new PlannedEndpoints(stack, 'Endpoints', { topology, vpc });
      addMore(stack);
      return stack;
    }),
  );
  return { app, stacks };
}

test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
  const { app } = synthAll();
  assert.doesNotThrow(() => app.synth());
});

test('the cdk-nag check is live: a security group open to the world fails synth', () => {
  const { app } = synthAll((stack) => {
    const sg = new ec2.CfnSecurityGroup(stack, 'Open', {
      groupDescription: 'deliberately non-compliant',
      securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' }],
    });
    return sg;
  });
  assert.throws(() => app.synth(), /Validation failed|AwsSolutions/);
});

test('cfn-lint accepts every template', () => {
  const { app } = synthAll();
  // exit code 0: no errors, warnings or informational findings
  cfnLint(app.synth(), 'cfn');
});
