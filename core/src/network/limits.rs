//! LP040/LP041: the planned topology against AWS's default quotas
//! (`shared/reference/facts.md`, from the AWS quota pages), or the raised
//! figures given in `quotas:`. At or past the quota: LP040 (error); at 80%
//! or more: LP041 (warning).

use super::Ctx;
use super::dns::DnsPlan;
use super::endpoints::EndpointPlan;
use super::routing::RoutingPlan;
use crate::catalog::EndpointKind;
use crate::diagnostic::{Finding, Rule};
use crate::source::Pointer;
use crate::spec::Quotas;
use std::collections::BTreeMap;

/// The quotas in force: AWS's defaults unless raised in `quotas:`.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub interface_endpoints_per_vpc: u32,
    pub vpcs_per_hosted_zone: u32,
    pub vpcs_per_region: u32,
    pub security_group_inbound_rules: u32,
    pub transit_gateways_per_region: u32,
    pub transit_gateway_attachments: u32,
    pub transit_gateway_routes: u32,
    pub resolver_rules_per_region: u32,
    pub resolver_rule_associations: u32,
    pub profiles_per_region: u32,
    pub vpcs_per_profile: u32,
    pub zones_per_profile: u32,
    pub subnets_per_vpc: u32,
    pub routes_per_route_table: u32,
    pub resources_per_stack: u32,
}

impl Limits {
    pub fn new(q: Option<&Quotas>) -> Self {
        let d = Quotas::default();
        let q = q.unwrap_or(&d);
        Self {
            interface_endpoints_per_vpc: q.interface_endpoints_per_vpc.unwrap_or(50),
            vpcs_per_hosted_zone: q.vpcs_per_hosted_zone.unwrap_or(300),
            vpcs_per_region: q.vpcs_per_region.unwrap_or(5),
            security_group_inbound_rules: q.security_group_inbound_rules.unwrap_or(60),
            transit_gateways_per_region: q.transit_gateways_per_region.unwrap_or(5),
            transit_gateway_attachments: q.transit_gateway_attachments.unwrap_or(5000),
            transit_gateway_routes: q.transit_gateway_routes.unwrap_or(10_000),
            resolver_rules_per_region: q.resolver_rules_per_region.unwrap_or(1000),
            resolver_rule_associations: q.resolver_rule_associations.unwrap_or(2000),
            profiles_per_region: q.profiles_per_region.unwrap_or(5),
            vpcs_per_profile: q.vpcs_per_profile.unwrap_or(1000),
            zones_per_profile: q.zones_per_profile.unwrap_or(5000),
            subnets_per_vpc: q.subnets_per_vpc.unwrap_or(200),
            routes_per_route_table: q.routes_per_route_table.unwrap_or(50),
            resources_per_stack: q.resources_per_stack.unwrap_or(500),
        }
    }
}

/// One figure against one quota; the place and wording are only built when
/// there is something to say (this runs once per VPC and endpoint).
fn measure(
    out: &mut Vec<Finding>,
    figure: usize,
    quota: u32,
    field: &str,
    describe: impl FnOnce() -> (Pointer, String),
) {
    let figure = u64::try_from(figure).unwrap_or(u64::MAX);
    let quota = u64::from(quota);
    if figure * 5 < quota * 4 {
        return;
    }
    let (at, what) = describe();
    let (at, what) = (&at, what.as_str());
    if figure > quota {
        out.push(Finding::at(Rule::Lp040, at, format!("{what}: {figure}, over the quota of {quota}")).hint(format!(
            "ask AWS to raise it and set `quotas: {{ {field}: <raised figure> }}`, or split the design"
        )));
    } else if figure * 5 >= quota * 4 && quota > 0 {
        out.push(
            Finding::at(
                Rule::Lp041,
                at,
                format!("{what}: {figure}, {}% of the quota of {quota}", figure * 100 / quota),
            )
            .warning()
            .hint(format!("raise the quota before growing further, then set `quotas: {{ {field}: … }}`")),
        );
    }
}

/// Every quota the plan touches, measured against `cx.quotas`.
pub fn check(cx: &Ctx<'_>, endpoints: &[EndpointPlan], dns: &DnsPlan, routing: &RoutingPlan, out: &mut Vec<Finding>) {
    endpoint_quotas(cx, endpoints, out);
    vpc_quotas(cx, out);
    dns_quotas(cx, dns, out);
    routing_quotas(cx, routing, out);
}

fn vpc_at(v: &str) -> Pointer {
    Pointer::root().key("vpcs").key(v)
}

/// Where a hub's findings point: its `endpoints` entry, else the VPC.
fn hub_at(cx: &Ctx<'_>, hub: &str) -> Pointer {
    cx.topo
        .endpoints
        .iter()
        .position(|g| g.vpc == hub)
        .map_or_else(|| vpc_at(hub), |i| Pointer::root().key("endpoints").index(i))
}

/// Interface endpoints per VPC and the inbound rules of their security groups.
fn endpoint_quotas(cx: &Ctx<'_>, endpoints: &[EndpointPlan], out: &mut Vec<Finding>) {
    let q = &cx.quotas;
    let mut per_vpc: BTreeMap<&str, usize> = BTreeMap::new();
    for e in endpoints.iter().filter(|e| e.kind == EndpointKind::Interface) {
        *per_vpc.entry(&e.vpc).or_default() += 1;
    }
    for pl in &cx.topo.privatelink {
        for c in &pl.consumers {
            *per_vpc.entry(c).or_default() += 1;
        }
    }
    for (v, n) in &per_vpc {
        measure(out, *n, q.interface_endpoints_per_vpc, "interfaceEndpointsPerVpc", || {
            (vpc_at(v), format!("interface endpoints in VPC `{v}`"))
        });
    }
    for e in endpoints {
        let Some(sg) = &e.security_group else { continue };
        // a rule referencing a prefix list counts as the list's max entries
        let rules =
            sg.prefix_list.as_ref().map_or(sg.ingress.len(), |l| usize::try_from(l.max_entries).unwrap_or(usize::MAX));
        measure(out, rules, q.security_group_inbound_rules, "securityGroupInboundRules", || {
            let what = match &sg.prefix_list {
                Some(l) => format!(
                    "inbound rules of the security group of `{}` (its consumers are in managed prefix list `{}`, \
                     whose reference counts as its {} entries)",
                    e.id, l.name, l.max_entries
                ),
                None => format!("inbound rules of the security group of `{}`", e.id),
            };
            (hub_at(cx, &e.vpc), what)
        });
    }
}

/// Subnets per VPC and VPCs per account and region.
fn vpc_quotas(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let q = &cx.quotas;
    let mut per_account_region: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for (name, v) in cx.vpcs {
        per_account_region.entry((&v.account, &v.region)).or_default().push(name);
        measure(out, v.subnets.len(), q.subnets_per_vpc, "subnetsPerVpc", || {
            (vpc_at(name), format!("subnets of VPC `{name}`"))
        });
    }
    for ((account, region), vpcs) in &per_account_region {
        let last = vpcs.last().copied().unwrap_or_default();
        measure(out, vpcs.len(), q.vpcs_per_region, "vpcsPerRegion", || {
            (vpc_at(last), format!("VPCs of account `{account}` in {region}"))
        });
    }
}

/// Hosted zone associations, Route 53 Profiles and resolver rules.
fn dns_quotas(cx: &Ctx<'_>, dns: &DnsPlan, out: &mut Vec<Finding>) {
    let q = &cx.quotas;
    for z in &dns.hosted_zones {
        measure(
            out,
            z.associations.len() + z.authorizations.len(),
            q.vpcs_per_hosted_zone,
            "vpcsPerHostedZone",
            || (hub_at(cx, &z.hub_vpc), format!("VPCs associated with zone `{}`", z.name)),
        );
    }
    let dns_at = Pointer::root().key("dns").key("mode");
    let mut profiles: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for p in &dns.profiles {
        *profiles.entry((&p.account, &p.region)).or_default() += 1;
        measure(out, p.associations.len(), q.vpcs_per_profile, "vpcsPerProfile", || {
            (dns_at.clone(), format!("VPCs associated with Route 53 Profile `{}`", p.name))
        });
        // zones and endpoints are both resource associations of the Profile
        measure(out, p.zones.len() + p.endpoints.len(), q.zones_per_profile, "zonesPerProfile", || {
            (dns_at.clone(), format!("hosted zones and endpoints in Route 53 Profile `{}`", p.name))
        });
    }
    for ((account, region), n) in profiles {
        measure(out, n, q.profiles_per_region, "profilesPerRegion", || {
            (dns_at.clone(), format!("Route 53 Profiles of account `{account}` in {region}"))
        });
    }
    let mut rules: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for r in &dns.resolver_rules {
        let e = rules.entry((&r.account, &r.region)).or_default();
        e.0 += 1;
        e.1 += r.associations.len();
    }
    for ((account, region), (n, assoc)) in rules {
        measure(out, n, q.resolver_rules_per_region, "resolverRulesPerRegion", || {
            (dns_at.clone(), format!("resolver rules of account `{account}` in {region}"))
        });
        measure(out, assoc, q.resolver_rule_associations, "resolverRuleAssociations", || {
            (dns_at.clone(), format!("resolver rule associations of account `{account}` in {region}"))
        });
    }
}

/// Transit gateway attachments and routes, and routes per VPC route table.
fn routing_quotas(cx: &Ctx<'_>, routing: &RoutingPlan, out: &mut Vec<Finding>) {
    let q = &cx.quotas;
    let transit_at = Pointer::root().key("transit");
    for g in &routing.transit_gateways {
        let attachments = routing.attachments.iter().filter(|a| a.transit_gateway == g.id).count();
        measure(out, attachments, q.transit_gateway_attachments, "transitGatewayAttachments", || {
            (transit_at.key("attach"), format!("attachments of `{}`", g.id))
        });
        let routes: usize = g.route_tables.iter().map(|t| t.propagations.len() + t.static_routes.len()).sum();
        measure(out, routes, q.transit_gateway_routes, "transitGatewayRoutes", || {
            (transit_at.clone(), format!("routes across the route tables of `{}`", g.id))
        });
    }
    let mut routes: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &routing.vpc_routes {
        *routes.entry(&r.vpc).or_default() += 1;
    }
    for (v, n) in routes {
        measure(out, n, q.routes_per_route_table, "routesPerRouteTable", || {
            (vpc_at(v), format!("routes in the route tables of VPC `{v}`"))
        });
    }
}
