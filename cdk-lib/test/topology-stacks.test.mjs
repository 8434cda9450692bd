// TopologyStacks and the constructs it builds (NetworkHub, AppSpokeVpc,
// NetworkLinks, BedrockMlAccount) on both examples: template assertions,
// the cross-stack contract, deploy order, cdk-nag and cfn-lint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, cfnLint, resourceCount, root, topologyOf, workloadResources } from './support.mjs';

const require = createRequire(import.meta.url);
const { Template, Match } = require('aws-cdk-lib/assertions');
const { Topology } = require('../lib/index.js');

const bedrock = topologyOf('bedrock-privatelink');
const studio = topologyOf('studio-multi-account');
const workloads = { 'app-apse1': { notebook: true, function: true } };

const bedrockApp = buildApp(bedrock, { workloads });
const studioApp = buildApp(studio);
const bedrockAssembly = bedrockApp.app.synth(); // throws on unacknowledged cdk-nag findings
const studioAssembly = studioApp.app.synth();
const privatelinkAssembly = buildApp(topologyOf('privatelink-service')).app.synth();

const template = (assembly, name) => assembly.getStackByName(name).template;
const tpl = (stacks, account, region, role) => Template.fromStack(stacks.stackFor(account, region, role));

test('one stack per account × region × role, with the plan env, in dependency waves', () => {
  const got = bedrockApp.stacks.stacks.map((s) => [s.stack.stackName, s.stack.account, s.stack.region, s.wave]);
  assert.deepEqual(got, [
    ['bedrock-privatelink-app-us-east-1-network', '222222222222', 'us-east-1', 1],
    ['bedrock-privatelink-ml-us-east-1-ml', '111111111111', 'us-east-1', 1],
    // its Profile holds the us-east-1 zones
    ['bedrock-privatelink-app-ap-southeast-1-network', '222222222222', 'ap-southeast-1', 2],
    ['bedrock-privatelink-app-ap-southeast-1-spoke', '222222222222', 'ap-southeast-1', 3],
    // requests the peering, which the us-east-1 links associate
    ['bedrock-privatelink-app-ap-southeast-1-links', '222222222222', 'ap-southeast-1', 4],
    ['bedrock-privatelink-app-us-east-1-links', '222222222222', 'us-east-1', 5],
  ]);
  assert.match(
    bedrockApp.stacks.deployOrder(),
    /^wave 1: bedrock-privatelink-app-us-east-1-network bedrock-privatelink-ml-us-east-1-ml\nwave 2: /,
  );
  // CDK stack dependencies carry the same order to `cdk deploy --all`
  const deps = bedrockAssembly.getStackByName('bedrock-privatelink-app-ap-southeast-1-spoke').dependencies.map((d) => d.id);
  assert.ok(deps.includes('bedrock-privatelink-app-ap-southeast-1-network'), deps.join(', '));
});

test('every cross-stack value a stack reads is published by the stack it expects, under the same name', () => {
  let checked = 0;
  let checkedAttributes = 0;
  for (const assembly of [bedrockAssembly, studioAssembly, privatelinkAssembly]) {
    const byEnv = new Map();
    for (const s of assembly.stacks) {
      const published = Object.values(s.template.Resources)
        .filter((r) => r.Type === 'AWS::SSM::Parameter')
        .map((r) => r.Properties.Name);
      const readers = Object.values(s.template.Resources)
        .filter((r) => r.Type === 'AWS::IAM::Role')
        .map((r) => r.Properties.RoleName)
        .filter(Boolean);
      byEnv.set(s.stackName, { env: `${s.environment.account}/${s.environment.region}`, published, readers });
    }
    for (const s of assembly.stacks) {
      const deps = new Set(s.dependencies.map((d) => d.id));
      const reads = [];
      // same account and region: CloudFormation SSM parameters
      for (const p of Object.values(s.template.Parameters ?? {})) {
        if (p.Type === 'AWS::SSM::Parameter::Value<String>' && p.Default.startsWith('/linkplan/')) {
          reads.push({ name: p.Default, env: `${s.environment.account}/${s.environment.region}` });
        }
      }
      // elsewhere: one Custom::LinkplanRead per producer, reading its Names in the producer's region
      const readResources = Object.entries(s.template.Resources).filter(([, r]) => r.Type === 'Custom::LinkplanRead');
      for (const [, r] of readResources) {
        const account = r.Properties.RoleArn ? r.Properties.RoleArn.split(':')[4] : s.environment.account;
        for (const name of r.Properties.Names)
          reads.push({ name, env: `${account}/${r.Properties.Region}`, role: r.Properties.RoleArn?.split('/')[1] });
      }
      // every value taken from a read is one it reads: V<i> with i within its Names
      const sizes = new Map(readResources.map(([id, r]) => [id, r.Properties.Names.length]));
      JSON.stringify(s.template, (k, v) => {
        if (k === 'Fn::GetAtt' && sizes.has(v[0])) {
          const i = Number(/^V(\d+)$/.exec(v[1])?.[1]);
          assert.ok(i < sizes.get(v[0]), `${s.stackName}: ${v[0]}.${v[1]} is not among its ${sizes.get(v[0])} values`);
          checkedAttributes++;
        }
        return v;
      });
      for (const read of reads) {
        const producers = [...byEnv.entries()].filter(([, p]) => p.env === read.env && p.published.includes(read.name));
        assert.equal(producers.length, 1, `${s.stackName} reads ${read.name} in ${read.env}: published by ${producers.length} stacks`);
        const [producer, info] = producers[0];
        assert.ok(deps.has(producer), `${s.stackName} reads ${read.name} but does not depend on ${producer}`);
        if (read.role) assert.ok(info.readers.includes(read.role), `${producer} has no reader role ${read.role}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 20, `only ${checked} reads checked`);
  assert.ok(checkedAttributes >= checked - 10, `only ${checkedAttributes} uses of read values checked`);
});

test('NetworkHub: transit gateway without default tables, shared by RAM, resolver endpoints and shared rules (studio)', () => {
  const t = tpl(studioApp.stacks, 'shared', 'us-east-1', 'network');
  t.hasResourceProperties('AWS::EC2::TransitGateway', {
    DefaultRouteTableAssociation: 'disable',
    DefaultRouteTablePropagation: 'disable',
    AutoAcceptSharedAttachments: 'enable',
    AmazonSideAsn: Match.anyValue(),
  });
  t.hasResourceProperties('AWS::RAM::ResourceShare', {
    AllowExternalPrincipals: false,
    Principals: ['222222222222', '333333333333'],
    ResourceArns: [
      Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp(':111111111111:transit-gateway/$')])]) }),
    ],
  });
  const inbound = studio.plan.dns.resolverEndpoints.find((r) => r.direction === 'inbound');
  t.hasResourceProperties('AWS::Route53Resolver::ResolverEndpoint', {
    Direction: 'INBOUND',
    IpAddresses: inbound.ips.map((ip) => Match.objectLike({ Ip: ip })),
  });
  t.hasResourceProperties('AWS::Route53Resolver::ResolverRule', {
    DomainName: 'api.sagemaker.us-east-1.amazonaws.com',
    RuleType: 'FORWARD',
    TargetIps: inbound.ips.map((ip) => ({ Ip: ip, Port: '53' })),
  });
  // the outbound endpoint may send DNS to the inbound IPs only
  t.hasResourceProperties('AWS::EC2::SecurityGroup', {
    GroupDescription: Match.stringLikeRegexp('outbound: DNS to the inbound resolver only'),
    SecurityGroupEgress: Match.arrayWith([Match.objectLike({ CidrIp: `${inbound.ips[0]}/32`, FromPort: 53, IpProtocol: 'udp' })]),
  });
  // the LOB spokes associate the shared rules by the ID the hub published
  const lob = tpl(studioApp.stacks, 'lob-a', 'us-east-1', 'spoke');
  const rules = studio.plan.dns.resolverRules.filter((r) => r.associations.includes('lob-a'));
  assert.equal(rules.length, 6, 'sagemaker api, runtime and studio, execute-api, sts and logs');
  lob.resourceCountIs('AWS::Route53Resolver::ResolverRuleAssociation', rules.length);
});

test('NetworkHub: private zones with alias records to the hub endpoints, a Profile holding them (bedrock)', () => {
  const hub = tpl(bedrockApp.stacks, 'app', 'us-east-1', 'network');
  hub.resourceCountIs('AWS::Route53::HostedZone', 3);
  hub.hasResourceProperties('AWS::Route53::HostedZone', {
    Name: 'sts.us-east-1.amazonaws.com',
    VPCs: [Match.objectLike({ VPCRegion: 'us-east-1' })],
  });
  hub.hasResourceProperties('AWS::Route53::RecordSet', {
    Name: 'sts.us-east-1.amazonaws.com',
    Type: 'A',
    AliasTarget: Match.objectLike({ DNSName: Match.objectLike({ 'Fn::Select': Match.anyValue() }) }),
  });
  hub.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.us-east-1.sts', PrivateDnsEnabled: false });
  const apse1 = tpl(bedrockApp.stacks, 'app', 'ap-southeast-1', 'network');
  apse1.hasResourceProperties('AWS::Route53Profiles::Profile', { Name: 'bedrock-privatelink-app-ap-southeast-1' });
  apse1.resourceCountIs('AWS::Route53Profiles::ProfileResourceAssociation', 3);
});

test('AppSpokeVpc: attachment in the transit subnets, routes to the TGW in every tier, Profile association, workloads', () => {
  const t = tpl(bedrockApp.stacks, 'app', 'ap-southeast-1', 'spoke');
  const transit = bedrock.plan.vpcs['app-apse1'].subnets.filter((s) => s.tier === 'transit').map((s) => s.cidr);
  const subnets = Object.values(t.findResources('AWS::EC2::Subnet')).filter((s) => transit.includes(s.Properties.CidrBlock));
  assert.equal(subnets.length, transit.length);
  t.hasResourceProperties('AWS::EC2::TransitGatewayAttachment', {
    TransitGatewayId: { Ref: Match.stringLikeRegexp('Readtgwapsoutheast1id') },
  });
  const routes = Object.values(t.findResources('AWS::EC2::Route'));
  assert.equal(routes.length, 3, 'one route per tier route table');
  assert.ok(routes.every((r) => r.Properties.DestinationCidrBlock === '10.10.0.0/16' && r.DependsOn?.length));
  t.hasResourceProperties('AWS::Route53Profiles::ProfileAssociation', { ProfileId: { Ref: Match.stringLikeRegexp('Readprofileapp') } });
  t.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
    DirectInternetAccess: 'Disabled',
    RootAccess: 'Disabled',
    KmsKeyId: Match.anyValue(),
  });
  const invoker = bedrock.plan.iam.roles.find((r) => r.id === 'bedrock/invoker');
  t.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: {
        INVOKER_ROLE_ARN: invoker.arn,
        TARGET_REGION: 'us-east-1',
        FUNCTION_ARN: Match.stringLikeRegexp(':function:bedrock-privatelink-bedrock-stream$'),
      },
    },
  });
  t.hasResourceProperties('AWS::IAM::Role', {
    Policies: [
      {
        PolicyName: 'invoke',
        PolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Resource: invoker.arn })] }),
      },
      // logs, ENIs and the notebook's key; nothing else may be assumed
      {
        PolicyName: 'run',
        PolicyDocument: Match.objectLike({ Statement: Match.not(Match.arrayWith([Match.objectLike({ Action: 'sts:AssumeRole' })])) }),
      },
    ],
  });
});

test('NetworkLinks: planned TGW route tables, associations, propagations, peering and its acceptance', () => {
  const requester = tpl(bedrockApp.stacks, 'app', 'ap-southeast-1', 'links');
  requester.hasResourceProperties('AWS::EC2::TransitGatewayPeeringAttachment', { PeerRegion: 'us-east-1', PeerAccountId: '222222222222' });
  requester.hasResourceProperties('Custom::LinkplanPeeringAcceptance', {
    Call: 'accept-peering',
    Region: 'us-east-1',
    AttachmentId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Peering'), 'TransitGatewayAttachmentId'] },
  });
  // the acceptance's permission names that attachment, in a policy only the acceptance waits for
  const [acceptId] = Object.keys(requester.findResources('Custom::LinkplanPeeringAcceptance'));
  const policies = requester.findResources('AWS::IAM::Policy', {
    Properties: { PolicyDocument: { Statement: [Match.objectLike({ Action: 'ec2:AcceptTransitGatewayPeeringAttachment' })] } },
  });
  assert.equal(Object.keys(policies).length, 1);
  assert.ok(requester.toJSON().Resources[acceptId].DependsOn.includes(Object.keys(policies)[0]));
  const tgw = bedrock.plan.routing.transitGateways.find((x) => x.id === 'tgw/ap-southeast-1');
  requester.resourceCountIs('AWS::EC2::TransitGatewayRouteTable', tgw.routeTables.length);
  requester.resourceCountIs('AWS::EC2::TransitGatewayRouteTableAssociation', tgw.routeTables.flatMap((r) => r.associations).length);
  requester.resourceCountIs('AWS::EC2::TransitGatewayRouteTablePropagation', tgw.routeTables.flatMap((r) => r.propagations).length);
  requester.hasResourceProperties('AWS::EC2::TransitGatewayRoute', { DestinationCidrBlock: '10.10.0.0/16' });
  // the accepter region reads the peering attachment the requester published
  const accepter = tpl(bedrockApp.stacks, 'app', 'us-east-1', 'links');
  accepter.hasResourceProperties('AWS::EC2::TransitGatewayRoute', { DestinationCidrBlock: bedrock.plan.vpcs['app-apse1'].cidr });
});

test('NetworkHub and NetworkLinks refuse an account the topology does not name, listing those it does', () => {
  const { App, Stack } = require('aws-cdk-lib');
  const { NetworkHub, NetworkLinks } = require('../lib/index.js');
  for (const Construct of [NetworkHub, NetworkLinks]) {
    const stack = new Stack(new App(), 'S');
    assert.throws(
      () => new Construct(stack, 'X', { topology: bedrock, account: 'nope', region: 'us-east-1' }),
      /^Error: S\/X: account 'nope' is not in topology 'bedrock-privatelink'; expected one of app, ml$/,
    );
  }
});

test('workloads are refused where the plan does not prove their path, or for unknown VPCs', () => {
  assert.throws(
    () => buildApp(bedrock, { workloads: { nope: { function: true } } }),
    /workloads are given for VPC 'nope', which is not in topology/,
  );
  // a hub may run them (bedrock-clients.test.mjs), but the example's hub has no workload whose path is proven
  assert.throws(
    () => buildApp(bedrock, { workloads: { 'app-use1': { function: true } } }),
    /no workload of 'app-use1' is proven to reach sts in us-east-1; add `needs: \[sts@us-east-1\]`/,
  );
  // the Singapore workloads no longer need Lambda in us-east-1: the client function would not reach it
  const text = readFileSync(join(root, 'examples/bedrock-privatelink/topology.yaml'), 'utf8').replaceAll(
    'needs: [sts@us-east-1, lambda@us-east-1]',
    'needs: [sts@us-east-1]',
  );
  assert.ok(text.includes('needs: [sts@us-east-1]\n'));
  const narrowed = Topology.fromString(text);
  assert.throws(
    () => buildApp(narrowed, { workloads }),
    /no workload of 'app-apse1' is proven to reach lambda in us-east-1; add `needs: \[lambda@us-east-1\]`/,
  );
});

test('cdk-nag found nothing unacknowledged and cfn-lint accepts every template of both examples', () => {
  // app.synth() above ran cdk-nag's AwsSolutions pack and would have thrown
  assert.ok(bedrockAssembly.stacks.length === 6 && studioAssembly.stacks.length === 5);
  cfnLint(bedrockAssembly, 'bedrock');
  cfnLint(studioAssembly, 'studio');
  assert.ok(template(bedrockAssembly, 'bedrock-privatelink-ml-us-east-1-ml').Resources);
});

test("a stack over CloudFormation's 500-resource quota is refused by the core (LP073), naming the stack", () => {
  const spokes = Array.from({ length: 16 }, (_, i) => `  s${i}: { account: app, region: us-east-1, size: 22, azs: [use1-az1, use1-az2] }`);
  const text = `apiVersion: linkplan/v1alpha1
name: big
accounts: { app: { id: "222222222222" } }
quotas: { vpcsPerRegion: 50 }
addressing: { pools: [{ cidr: 10.0.0.0/8 }] }
vpcs:
  hub: { account: app, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }
${spokes.join('\n')}
transit: { mode: transit-gateway, owner: app, attach: [hub, ${spokes.map((_, i) => `s${i}`).join(', ')}] }
endpoints: [{ vpc: hub, services: [sts], share: [${spokes.map((_, i) => `s${i}`).join(', ')}] }]
dns: { mode: profile }
`;
  // validate refuses it, so TopologyStacks' own check at synth is never reached
  assert.throws(() => Topology.fromString(text), /LP073[\s\S]*stack `big-app-us-east-1-spoke` would hold \d{3} CloudFormation resources/);
  // under the quota the same shape builds, each stack holding what the plan counts
  const small = Topology.fromString(text.replace(/^ {2}s(1[0-5]|[4-9]):.*\n/gm, '').replace(/, s(1[0-5]|[4-9])\b/g, ''));
  const assembly = buildApp(small).app.synth();
  for (const s of small.plan.stacks) assert.equal(resourceCount(template(assembly, s.name)), s.resources, s.name);
});

test('every stack of the three example apps holds exactly the resources the plan counts (stacks[].resources, which LP073 checks)', () => {
  const examples = [
    [bedrock, bedrockAssembly],
    [studio, studioAssembly],
    [topologyOf('privatelink-service'), privatelinkAssembly],
  ];
  let compared = 0;
  for (const [topology, assembly] of examples) {
    for (const s of topology.plan.stacks) {
      const t = template(assembly, s.name);
      // the bedrock app's client workloads are the app's, not the plan's
      assert.equal(resourceCount(t) - workloadResources(t), s.resources, s.name);
      compared++;
    }
  }
  assert.equal(compared, bedrockAssembly.stacks.length + studioAssembly.stacks.length + privatelinkAssembly.stacks.length);
  // the workloads were built, and are told apart
  assert.ok(workloadResources(template(bedrockAssembly, 'bedrock-privatelink-app-ap-southeast-1-spoke')) > 0);
});

test('association mode: the zone owner authorizes, then associates other accounts\u2019 VPCs through their associator role', () => {
  const text = readFileSync(join(root, 'examples/studio-multi-account/topology.yaml'), 'utf8').replace(
    /dns:\n {2}mode: resolver\n {2}onPremises: \{ cidrs: \[192.168.10.0\/24\] \}/,
    'dns:\n  mode: association',
  );
  assert.ok(text.includes('mode: association'));
  const assoc = Topology.fromString(text);
  const { app, stacks } = buildApp(assoc);
  const assembly = app.synth(); // cdk-nag
  const links = Template.fromStack(stacks.stackFor('shared', 'us-east-1', 'links'));
  const json = links.toJSON().Resources;
  const readOf = (value) => {
    if (!value['Fn::GetAtt']) return undefined; // a same-account-and-region parameter
    const [id, attr] = value['Fn::GetAtt'];
    return json[id].Properties.Names[Number(attr.slice(1))];
  };
  const lobA = Object.entries(json).filter(
    ([, r]) =>
      r.Type.startsWith('Custom::Linkplan') &&
      r.Properties.VpcId &&
      readOf(r.Properties.VpcId) === '/linkplan/studio-multi-account/vpc/lob-a/id',
  );
  const authorize = lobA.find(([, r]) => r.Type === 'Custom::LinkplanZoneAuthorization');
  const associate = lobA.find(([, r]) => r.Type === 'Custom::LinkplanZoneAssociation');
  assert.ok(authorize, 'authorized');
  assert.equal(
    associate?.[1].Properties.RoleArn,
    'arn:aws:iam::222222222222:role/studio-multi-account-zone-assoc-spoke-us-east-1',
    'associated through the role',
  );
  assert.ok(associate[1].DependsOn.includes(authorize[0]), 'after the authorization');
  Template.fromStack(stacks.stackFor('lob-a', 'us-east-1', 'spoke')).hasResourceProperties('AWS::IAM::Role', {
    RoleName: 'studio-multi-account-zone-assoc-spoke-us-east-1',
    AssumeRolePolicyDocument: Match.objectLike({
      Statement: [Match.objectLike({ Principal: { AWS: ['arn:aws:iam::111111111111:root'] } })],
    }),
  });
  cfnLint(assembly, 'association');
});

test('a VPC renamed with `was:` keeps its CIDR, subnets and every logical ID of its stack', () => {
  const text = readFileSync(join(root, 'examples/bedrock-privatelink/topology.yaml'), 'utf8');
  const before = Topology.fromString(text);
  // the hub (network stack) and the spoke (spoke stack, PrivateLink-free) both renamed
  const renamed = text
    .replace(/\bapp-use1\b/g, 'app-virginia')
    .replace(/\bapp-apse1\b/g, 'app-singapore')
    .replace('  app-virginia:\n', '  app-virginia:\n    was: app-use1\n')
    .replace('  app-singapore:\n', '  app-singapore:\n    was: app-apse1\n');
  const after = Topology.fromString(renamed, { lock: before.lockText });
  assert.equal(after.plan.vpcs['app-singapore'].cidr, before.plan.vpcs['app-apse1'].cidr);
  assert.deepEqual(after.plan.vpcs['app-singapore'].subnets, before.plan.vpcs['app-apse1'].subnets);
  assert.equal(after.plan.vpcs['app-singapore'].constructId, 'app-apse1');
  const a = buildApp(before).app.synth();
  const b = buildApp(after).app.synth();
  for (const stack of before.plan.stacks.map((x) => x.name)) {
    // the values a stack publishes are SSM parameters named after the VPC: those
    // are replaced (a parameter's name cannot change), and nothing routes through them
    const of = (assembly) =>
      Object.fromEntries(
        Object.entries(assembly.getStackByName(stack).template.Resources).filter(([, r]) => r.Type !== 'AWS::SSM::Parameter'),
      );
    const [old, now] = [of(a), of(b)];
    assert.deepEqual(Object.keys(now).sort(), Object.keys(old).sort(), `${stack}: the same logical IDs`);
    for (const [id, r] of Object.entries(old).filter(([, r]) => r.Type === 'AWS::EC2::VPC' || r.Type === 'AWS::EC2::Subnet')) {
      assert.equal(now[id].Properties.CidrBlock, r.Properties.CidrBlock, `${stack}/${id} keeps its CIDR`);
    }
  }
});
