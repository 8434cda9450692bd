//! How many CloudFormation resources each planned stack holds: a model of
//! what the CDK library (`cdk-lib/src`) builds for each planned item, one
//! function per construct, each naming the construct it mirrors. What is
//! not a resource is not counted: CDK metadata, `BootstrapVersion` and the
//! SSM-typed `CfnParameter`s a stack reads its own account and region's
//! values with; an asset is no resource either. The client workloads an app
//! passes to `TopologyStacks` (`workloads`) are not in the count: the plan
//! does not say whether the app builds them.
//!
//! `test/synth-properties.test.mjs` holds the model to the library: every
//! synthesized stack's template has exactly the plan's `resources`.
//!
//! LP073: a stack over `quotas.resourcesPerStack` (CloudFormation's 500)
//! cannot deploy.

use super::Ctx;
use super::dns::DnsPlan;
use super::endpoints::EndpointPlan;
use super::privatelink::PrivateLinkPlan;
use super::routing::{RouteVia, RoutingPlan};
use super::stacks::{StackPlan, StackRole};
use super::studio::StudioPlan;
use crate::catalog::EndpointKind;
use crate::diagnostic::{Finding, Rule};
use crate::plan::VpcPlan;
use crate::source::Pointer;
use std::collections::{BTreeMap, BTreeSet};

/// What the model reads.
pub struct Inputs<'a> {
    pub endpoints: &'a [EndpointPlan],
    pub dns: &'a DnsPlan,
    pub routing: &'a RoutingPlan,
    pub privatelink: &'a [PrivateLinkPlan],
    pub studio: Option<&'a StudioPlan>,
    pub iam: &'a super::iam::IamPlan,
}

/// Where a stack's resources come from, for the finding: a VPC (its VPC,
/// endpoints and connections) or a section of the topology.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Vpc(String),
    Section(&'static str),
    /// The stack's own plumbing: the exchange's reader role and reads, the
    /// deploy-time call provider.
    Stack,
}

/// One stack's count as it is built up.
#[derive(Default)]
struct Tally {
    by_source: BTreeMap<Source, u32>,
    /// SSM parameters this stack publishes (`Exchange.publish`).
    published: BTreeSet<String>,
    /// Values read from other stacks, by producer stack (`Exchange.get`).
    reads: BTreeMap<String, BTreeSet<String>>,
    /// The stack has a `DeployCalls` provider.
    calls: bool,
    zone_associator: bool,
}

struct Model<'a> {
    cx: &'a Ctx<'a>,
    stacks: BTreeMap<&'a str, &'a StackPlan>,
    tallies: BTreeMap<String, Tally>,
}

impl Model<'_> {
    fn tally(&mut self, stack: &str) -> &mut Tally {
        self.tallies.entry(stack.to_owned()).or_default()
    }

    fn add(&mut self, stack: &str, source: &Source, n: u32) {
        *self.tally(stack).by_source.entry(source.clone()).or_default() += n;
    }

    /// `Exchange.publish`: one `AWS::SSM::Parameter` (the reader role is
    /// counted once per publishing stack, in `finish`).
    fn publish(&mut self, stack: &str, source: &Source, parameter: &str) {
        if self.tally(stack).published.insert(parameter.to_owned()) {
            self.add(stack, source, 1);
        }
    }

    /// `Exchange.get`: a value published in the stack itself is its own; one
    /// of another stack in the same account and region is a `CfnParameter`
    /// (no resource); others are read by `Custom::LinkplanRead` resources,
    /// counted per producer in `finish`.
    fn read(&mut self, stack: &str, parameter: &str, producer: &str) {
        if self.tally(stack).published.contains(parameter) || producer == stack {
            return;
        }
        let (Some(me), Some(from)) = (self.stacks.get(stack), self.stacks.get(producer)) else { return };
        if me.account_id == from.account_id && me.region == from.region {
            return;
        }
        self.tally(stack).reads.entry(producer.to_owned()).or_default().insert(parameter.to_owned());
    }

    /// `DeployCalls.call`: the custom resource, and a policy of its own when
    /// its statements name a token of the stack (`local`).
    fn call(&mut self, stack: &str, source: &Source, local_policy: bool) {
        self.tally(stack).calls = true;
        self.add(stack, source, 1 + u32::from(local_policy));
    }
}

/// The stack a VPC is built in.
fn stack_of<'a>(cx: &Ctx<'a>, vpc: &str) -> &'a str {
    cx.vpc(vpc).map_or("", |v| v.stack.as_str())
}

/// Values one `Custom::LinkplanRead` returns at most (`VALUES_PER_READ` in
/// `private/exchange.ts`).
const VALUES_PER_READ: usize = 32;

fn n(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// Each stack's resource count, by stack name.
pub fn count(cx: &Ctx<'_>, inputs: &Inputs<'_>, stacks: &[StackPlan]) -> BTreeMap<String, u32> {
    breakdown(cx, inputs, stacks).into_iter().map(|(k, v)| (k, v.by_source.values().sum())).collect()
}

fn breakdown(cx: &Ctx<'_>, inputs: &Inputs<'_>, stacks: &[StackPlan]) -> BTreeMap<String, Tally> {
    let mut m = Model { cx, stacks: stacks.iter().map(|s| (s.name.as_str(), s)).collect(), tallies: BTreeMap::new() };
    // in the order TopologyStacks builds them, so that a value published
    // in a stack before it is read there is the stack's own
    for s in stacks {
        match s.role {
            StackRole::Network => network_hub(&mut m, inputs, s),
            StackRole::Ml | StackRole::Spoke => {
                for v in &s.vpcs {
                    vpc_constructs(&mut m, inputs, v);
                }
                if s.role == StackRole::Ml {
                    bedrock_ml_account(&mut m, s);
                }
            }
            StackRole::Links => network_links(&mut m, inputs, s),
        }
        services(&mut m, inputs, s);
    }
    for s in stacks {
        let t = m.tally(&s.name);
        let mut plumbing = 0;
        // Exchange's ReaderRole, with the first published value
        if !t.published.is_empty() {
            plumbing += 1;
        }
        // Exchange.readGroup: one Custom::LinkplanRead per producer and 32 values
        let reads: usize = t.reads.values().map(|names| names.len().div_ceil(VALUES_PER_READ)).sum();
        if reads > 0 {
            t.calls = true;
        }
        plumbing += n(reads);
        // DeployCalls: its log group, role and function
        if t.calls {
            plumbing += 3;
        }
        // VpcConnections: the stack's ZoneAssociator role
        if t.zone_associator {
            plumbing += 1;
        }
        if plumbing > 0 {
            *t.by_source.entry(Source::Stack).or_default() += plumbing;
        }
    }
    m.tallies
}

/// The tiers of a VPC's subnets, one route table each.
fn tiers(v: &VpcPlan) -> usize {
    v.subnets.iter().map(|s| s.tier.clone()).collect::<BTreeSet<_>>().len()
}

/// A VPC with its endpoints and connections, as `AppSpokeVpc`,
/// `NetworkHub.hubVpcs` and `BedrockMlAccount` build it.
fn vpc_constructs(m: &mut Model<'_>, inputs: &Inputs<'_>, vpc: &str) {
    let Some(v) = m.cx.vpc(vpc) else { return };
    planned_vpc(m, v, vpc);
    planned_endpoints(m, inputs, v, vpc);
    vpc_connections(m, inputs, v, vpc);
}

/// `PlannedVpc`: the VPC, a route table per tier, per subnet the subnet and
/// its route table association, the flow log's log group, role and flow
/// log, the query logs' log group, config and association.
fn planned_vpc(m: &mut Model<'_>, v: &VpcPlan, name: &str) {
    let count = 1 + n(tiers(v)) + 2 * n(v.subnets.len()) + 3 + 3;
    m.add(&v.stack, &Source::Vpc(name.to_owned()), count);
}

/// `PlannedEndpoints`: a gateway endpoint; an interface endpoint with its
/// security group, its managed prefix list past the rule quota, and one
/// `SecurityGroupIngress` per planned rule. Published endpoint IDs.
fn planned_endpoints(m: &mut Model<'_>, inputs: &Inputs<'_>, v: &VpcPlan, name: &str) {
    let source = Source::Vpc(name.to_owned());
    let mut count = 0;
    let mine: Vec<&EndpointPlan> = inputs.endpoints.iter().filter(|e| e.vpc == name).collect();
    for e in &mine {
        count += 1;
        if e.kind != EndpointKind::Gateway
            && let Some(sg) = &e.security_group
        {
            count += 1 + u32::from(sg.prefix_list.is_some()) + n(sg.ingress.len());
        }
    }
    m.add(&v.stack, &source, count);
    for e in mine {
        if let Some(p) = &e.id_parameter {
            m.publish(&v.stack, &source, p);
        }
    }
}

/// `VpcConnections`: the VPC's ID published, its transit gateway attachment
/// (published), its VPC peerings (`private/vpc-peering.ts`: requested or
/// accepted), a route per planned route and tier, the stack's zone
/// associator role, and its associations with Profiles and resolver rules
/// of other stacks.
fn vpc_connections(m: &mut Model<'_>, inputs: &Inputs<'_>, v: &VpcPlan, name: &str) {
    let here = v.stack.as_str();
    let source = Source::Vpc(name.to_owned());
    m.publish(here, &source, &v.id_parameter);
    let routing = inputs.routing;
    if let Some(a) = routing.attachments.iter().find(|a| a.vpc == name) {
        if let Some(t) = routing.transit_gateways.iter().find(|t| t.id == a.transit_gateway) {
            m.read(here, &t.id_parameter, &t.stack);
        }
        m.add(here, &source, 1);
        m.publish(here, &source, &a.id_parameter);
    }
    // the VPC peerings this VPC requests (the connection, published) or
    // accepts (the peer role across accounts, its route tables published)
    let mut requested = BTreeSet::new();
    for p in &routing.vpc_peerings {
        if p.requester == name {
            if let Some(accepter) = m.cx.vpc(&p.accepter) {
                m.read(here, &accepter.id_parameter, &accepter.stack);
            }
            m.add(here, &source, 1);
            m.publish(here, &source, &p.id_parameter);
            requested.insert(p.id.as_str());
        }
        if p.accepter == name {
            m.add(here, &source, u32::from(p.peer_role.is_some()));
            for parameter in p.accepter_route_tables.values() {
                m.publish(here, &source, parameter);
            }
        }
    }
    // a route per tier by the transit gateway, or by a peering this VPC
    // requests (the accepter's are NetworkLinks')
    let routes = routing
        .vpc_routes
        .iter()
        .filter(|r| {
            r.vpc == name
                && match r.via {
                    RouteVia::TransitGateway => true,
                    RouteVia::VpcPeering => requested.contains(r.target.as_str()),
                }
        })
        .count();
    m.add(here, &source, n(routes * tiers(v)));
    if m.stacks.get(here).is_some_and(|s| s.zone_associator_role.is_some()) {
        m.tally(here).zone_associator = true;
    }
    for p in &inputs.dns.profiles {
        if p.associations.iter().any(|x| x == name) && p.stack != here {
            m.read(here, &p.id_parameter, &p.stack);
            m.add(here, &source, 1);
        }
    }
    for r in &inputs.dns.resolver_rules {
        if r.associations.iter().any(|x| x == name) && r.stack != here {
            m.read(here, &r.id_parameter, &r.stack);
            m.add(here, &source, 1);
        }
    }
}

/// Where the DNS pieces' resources are reported: `dns`, else the hub.
fn dns_source(m: &Model<'_>, hub: &str) -> Source {
    if m.cx.topo.dns.is_some() { Source::Section("dns") } else { Source::Vpc(hub.to_owned()) }
}

/// `NetworkHub`: transit gateways, hub VPCs, zones, Profiles, resolver
/// endpoints and rules of one account and region.
fn network_hub(m: &mut Model<'_>, inputs: &Inputs<'_>, s: &StackPlan) {
    let cx = m.cx;
    let here = s.name.as_str();
    for t in inputs.routing.transit_gateways.iter().filter(|t| t.stack == here) {
        planned_transit_gateway(m, s, t);
    }
    for v in &s.vpcs {
        vpc_constructs(m, inputs, v);
    }
    for z in inputs.dns.hosted_zones.iter().filter(|z| z.stack == here) {
        // PlannedHostedZone: the zone (its own stack's associations inline) and its records, published
        let source = dns_source(m, &z.hub_vpc);
        m.add(here, &source, 1 + n(z.records.len()));
        m.publish(here, &source, &z.id_parameter);
    }
    for p in inputs.dns.profiles.iter().filter(|p| p.stack == here) {
        // PlannedProfile: the Profile, a resource association per zone and per endpoint, its RAM share,
        // its associations here
        let source = Source::Section("dns");
        for zone in &p.zones {
            if let Some(z) = inputs.dns.hosted_zones.iter().find(|z| z.id == *zone) {
                m.read(here, &z.id_parameter, &z.stack);
            }
        }
        let local = p.associations.iter().filter(|v| stack_of(cx, v) == here).count();
        let count =
            1 + n(p.zones.len()) + n(p.endpoints.len()) + u32::from(!p.shared_with_accounts.is_empty()) + n(local);
        m.add(here, &source, count);
        m.publish(here, &source, &p.id_parameter);
    }
    for r in inputs.dns.resolver_endpoints.iter().filter(|r| r.stack == here) {
        // PlannedResolverEndpoint: its security group (rules inline) and the endpoint
        let source = dns_source(m, &r.vpc);
        m.add(here, &source, 2);
    }
    for r in inputs.dns.resolver_rules.iter().filter(|r| r.stack == here) {
        // PlannedResolverRule: the rule, its RAM share, its associations here
        let source = Source::Section("dns");
        let local = r.associations.iter().filter(|v| stack_of(cx, v) == here).count();
        m.add(here, &source, 1 + u32::from(!r.shared_with_accounts.is_empty()) + n(local));
        m.publish(here, &source, &r.id_parameter);
    }
}

/// `PlannedTransitGateway`: the gateway, published, and its RAM share.
fn planned_transit_gateway(m: &mut Model<'_>, s: &StackPlan, t: &super::routing::TransitGatewayPlan) {
    let source = Source::Section("transit");
    m.add(&s.name, &source, 1 + u32::from(!t.shared_with_accounts.is_empty()));
    m.publish(&s.name, &source, &t.id_parameter);
}

/// `NetworkLinks`: the accepter's routes of the VPC peerings its account
/// accepts here, the transit gateway peerings this region requests, the
/// transit gateway route tables, and zone associations with VPCs of other
/// stacks.
fn network_links(m: &mut Model<'_>, inputs: &Inputs<'_>, s: &StackPlan) {
    let cx = m.cx;
    let here = s.name.as_str();
    let routing = inputs.routing;
    let dns = inputs.dns;
    let tgws: Vec<_> = routing.transit_gateways.iter().filter(|t| t.links_stack == here).collect();
    let links_of_zone = |z: &super::dns::HostedZonePlan| {
        m.stacks
            .values()
            .find(|x| x.account == z.account && x.region == z.region && x.role == StackRole::Links)
            .map(|x| x.name.as_str())
    };
    let zones: Vec<_> = dns
        .hosted_zones
        .iter()
        .filter(|z| links_of_zone(z) == Some(here) && z.associations.iter().any(|v| stack_of(cx, v) != z.stack))
        .collect();
    let peerings: Vec<_> = routing.vpc_peerings.iter().filter(|p| p.routes_stack == here).collect();
    if tgws.is_empty() && peerings.is_empty() && zones.is_empty() {
        return;
    }
    let transit = Source::Section("transit");
    for p in peerings {
        // vpc-peering's routeAccepter: the accepter's route per tier to the requester
        m.read(here, &p.id_parameter, &p.stack);
        let accepter = stack_of(cx, &p.accepter);
        for parameter in p.accepter_route_tables.values() {
            m.read(here, parameter, accepter);
            m.add(here, &transit, 1);
        }
    }
    for a in &routing.attachments {
        if tgws.iter().any(|t| t.id == a.transit_gateway) {
            let producer = stack_of(cx, &a.vpc);
            m.read(here, &a.id_parameter, producer);
        }
    }
    for p in &routing.tgw_peerings {
        let requester = routing.transit_gateways.iter().find(|t| t.id == p.requester);
        let accepter = routing.transit_gateways.iter().find(|t| t.id == p.accepter);
        let (Some(requester), Some(accepter)) = (requester, accepter) else { continue };
        if requester.links_stack == here {
            // PlannedTgwPeering: the attachment, its acceptance call (with a
            // policy of its own: it names the attachment), published
            m.read(here, &requester.id_parameter, &requester.stack);
            m.read(here, &accepter.id_parameter, &accepter.stack);
            m.add(here, &transit, 1);
            m.call(here, &transit, true);
            m.publish(here, &transit, &p.id_parameter);
        } else if accepter.links_stack == here {
            m.read(here, &p.id_parameter, &requester.links_stack);
        }
    }
    for t in &tgws {
        m.read(here, &t.id_parameter, &t.stack);
        for table in &t.route_tables {
            // PlannedTgwRouteTable: the table, its associations, propagations and static routes
            let count = 1 + table.associations.len() + table.propagations.len() + table.static_routes.len();
            m.add(here, &transit, n(count));
        }
    }
    for z in zones {
        // NetworkLinks.associateZone: per VPC of another stack, its
        // association call (a policy of its own naming the zone, unless it
        // assumes the VPC stack's role), after an authorization call
        // (always its own policy) when the VPC's account differs
        let source = dns_source(m, &z.hub_vpc);
        m.read(here, &z.id_parameter, &z.stack);
        for v in z.associations.iter().filter(|v| stack_of(cx, v) != z.stack) {
            let Some(vpc) = m.cx.vpc(v) else { continue };
            m.read(here, &vpc.id_parameter, &vpc.stack);
            if vpc.account_id == s.account_id {
                m.call(here, &source, true);
            } else {
                m.call(here, &source, true);
                m.call(here, &source, false);
            }
        }
    }
}

/// `BedrockMlAccount` past its VPC: the function's log group, role,
/// security group and function, the invoker role and its permission.
fn bedrock_ml_account(m: &mut Model<'_>, s: &StackPlan) {
    m.add(&s.name, &Source::Section("bedrock"), 6);
}

/// `TopologyStacks.buildServices`: the PrivateLink services and consumers
/// and the Studio parts of the stack's VPCs.
fn services(m: &mut Model<'_>, inputs: &Inputs<'_>, s: &StackPlan) {
    let cx = m.cx;
    let here = s.name.as_str();
    let source = Source::Section("privatelink");
    for p in inputs.privatelink.iter().filter(|p| stack_of(cx, &p.producer.vpc) == here) {
        // PrivateLinkService: security group, load balancer, target group,
        // listener, endpoint service, its permissions, published
        m.add(here, &source, 5 + u32::from(!p.allowed_principals.is_empty()));
        m.publish(here, &source, &p.service_name_parameter);
    }
    for p in inputs.privatelink {
        let producer = stack_of(cx, &p.producer.vpc);
        for _ in p.consumers.iter().filter(|c| stack_of(cx, &c.vpc) == here) {
            // PrivateLinkConsumer: security group and endpoint
            m.read(here, &p.service_name_parameter, producer);
            m.add(here, &source, 2);
        }
    }
    let Some(studio) = inputs.studio else { return };
    let source = Source::Section("studio");
    if stack_of(cx, &studio.portal.vpc) == here {
        studio_access_portal(m, inputs, studio, here, &source);
    }
    for d in studio.domains.iter().filter(|d| stack_of(cx, &d.vpc) == here) {
        studio_lob_domain(m, inputs, d, here, &source);
    }
}

/// `StudioAccessPortal`: its user pool and client (the default identity),
/// the presign function's log group, role and security group, the
/// function, the JWT authorizer's log group, role, its policy and function,
/// the private REST API (API, account and its CloudWatch role, deployment,
/// stage, two resources, method, validator, authorizer, access log group),
/// three invoke permissions; the portal role's ARN published, the
/// execute-api endpoint's ID read.
fn studio_access_portal(m: &mut Model<'_>, inputs: &Inputs<'_>, studio: &StudioPlan, here: &str, source: &Source) {
    m.add(here, source, 24);
    let cx = m.cx;
    if let Some(p) = inputs.iam.roles.iter().find(|r| r.id == studio.portal.role).and_then(|r| r.arn_parameter.as_ref())
    {
        m.publish(here, source, p);
    }
    if let Some(e) = studio.portal.api_endpoint.as_ref().and_then(|id| inputs.endpoints.iter().find(|e| e.id == *id))
        && let Some(p) = &e.id_parameter
    {
        m.read(here, p, stack_of(cx, &e.vpc));
    }
}

/// `StudioLobDomain`: the storage key, execution role and its policy, the
/// domain, a user profile per user, the security group with two rules
/// each way, the presigned-URL role, whose policies read the values they
/// name (`studioValues`: endpoint IDs, role ARNs).
fn studio_lob_domain(
    m: &mut Model<'_>,
    inputs: &Inputs<'_>,
    d: &super::studio::DomainPlan,
    here: &str,
    source: &Source,
) {
    m.add(here, source, 1 + 1 + 1 + 1 + n(d.users.len()) + 1 + 4 + 1);
    let cx = m.cx;
    let Some(url) = inputs.iam.roles.iter().find(|r| r.id == d.url_role) else { return };
    let text = format!(
        "{}{}",
        serde_json::to_string(&url.trust).unwrap_or_default(),
        serde_json::to_string(&url.permissions).unwrap_or_default()
    );
    for (kind, id) in placeholders(&text) {
        let parameter = match kind {
            "endpoint-id" => inputs
                .endpoints
                .iter()
                .find(|e| e.id == id)
                .and_then(|e| e.id_parameter.as_ref().map(|p| (p, stack_of(cx, &e.vpc)))),
            "role-arn" => inputs
                .iam
                .roles
                .iter()
                .find(|r| String::from(r.id.clone()) == id)
                .and_then(|r| r.arn_parameter.as_ref().map(|p| (p, r.stack.as_str()))),
            _ => None,
        };
        if let Some((p, producer)) = parameter {
            m.read(here, p, producer);
        }
    }
}

/// The `{{kind:id}}` placeholders of a plan's policy text.
fn placeholders(text: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find("}}") else { break };
        if let Some((kind, id)) = rest[..end].split_once(':') {
            found.push((kind, id));
        }
        rest = &rest[end + 2..];
    }
    found
}

/// LP073: a stack over `quotas.resourcesPerStack`, at the VPC or section
/// that adds the most resources to it.
pub fn check(cx: &Ctx<'_>, inputs: &Inputs<'_>, stacks: &[StackPlan], out: &mut Vec<Finding>) {
    // CloudFormation does not raise its 500: a raised figure checks 500
    let quota = cx.quotas.resources_per_stack.min(500);
    for (name, t) in breakdown(cx, inputs, stacks) {
        let total: u32 = t.by_source.values().sum();
        if total <= quota {
            continue;
        }
        let biggest = t
            .by_source
            .iter()
            .filter(|(s, _)| **s != Source::Stack)
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
        let (at, what) = match biggest {
            Some((Source::Vpc(v), k)) => (Pointer::root().key("vpcs").key(v), format!("VPC `{v}` adds {k}")),
            Some((Source::Section(s), k)) => (Pointer::root().key(s), format!("`{s}` adds {k}")),
            _ => (Pointer::root().key("vpcs"), String::from("its VPCs add them")),
        };
        out.push(
            Finding::at(
                Rule::Lp073,
                &at,
                format!("stack `{name}` would hold {total} CloudFormation resources, over the quota of {quota} per stack ({what})"),
            )
            .hint(
                "split its VPCs over more accounts or regions: CloudFormation allows 500 resources per stack and does not raise it \
                 (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html)",
            ),
        );
    }
}
