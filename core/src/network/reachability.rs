//! The reachability proof: for every `workloads[].needs` entry, the path a
//! request takes — the name resolves (zone, Profile or resolver rule) to the
//! endpoint's ENIs, the route goes there and back, the endpoint's security
//! group admits the workload's CIDR on 443 — read off the plans, never
//! re-derived. A failed proof is LP031 naming the first missing link.

use super::Ctx;
use super::dns::DnsPlan;
use super::endpoints::{EndpointPlan, HTTPS};
use super::routing::{RouteIndex, RouteVia, RoutingPlan, TransitGatewayPlan};
use crate::catalog::{self, EndpointKind};
use crate::cidr::Ipv4Net;
use crate::diagnostic::{Finding, Rule};
use crate::plan::VpcPlan;
use crate::source::Pointer;
use crate::spec::{DnsMode, Tier, TransitMode};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Proof {
    pub workload: String,
    /// The workload's VPC.
    pub vpc: String,
    /// The need as written, e.g. `sts@us-east-1`.
    pub need: String,
    pub service: String,
    pub region: String,
    pub ok: bool,
    /// The links of the path, in order, when `ok`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<Step>,
    /// The first missing link, when not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Step {
    pub link: LinkKind,
    pub detail: String,
}

/// What a step of a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// The service is offered in the region.
    Service,
    /// An endpoint serves the service to the workload's VPC.
    Endpoint,
    /// The service's names resolve to the endpoint in the workload's VPC.
    Dns,
    /// A route goes to the endpoint's VPC and back.
    Route,
    /// The endpoint's security group admits the workload.
    SecurityGroup,
    /// The VPC endpoint's policy admits the caller.
    EndpointPolicy,
    /// The caller's identity policy allows the action.
    IdentityPolicy,
    /// The role's trust policy lets the caller assume it.
    TrustPolicy,
    /// The target's resource-based policy allows the caller.
    ResourcePolicy,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Service => "service",
            LinkKind::Endpoint => "endpoint",
            LinkKind::Dns => "dns",
            LinkKind::Route => "route",
            LinkKind::SecurityGroup => "security-group",
            LinkKind::EndpointPolicy => "endpoint-policy",
            LinkKind::IdentityPolicy => "identity-policy",
            LinkKind::TrustPolicy => "trust-policy",
            LinkKind::ResourcePolicy => "resource-policy",
        }
    }
}

impl std::fmt::Display for LinkKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn step(link: LinkKind, detail: impl Into<String>) -> Step {
    Step { link, detail: detail.into() }
}

/// The first missing link of a path, and what would supply it.
struct Missing {
    step: Step,
    hint: Option<String>,
}

fn missing(link: LinkKind, detail: impl Into<String>, hint: impl Into<String>) -> Missing {
    Missing { step: step(link, detail), hint: Some(hint.into()) }
}

fn missing_no_hint(link: LinkKind, detail: impl Into<String>) -> Missing {
    Missing { step: step(link, detail), hint: None }
}

pub fn prove(
    cx: &Ctx<'_>,
    endpoints: &[EndpointPlan],
    dns: &DnsPlan,
    routing: &RoutingPlan,
    out: &mut Vec<Finding>,
) -> Vec<Proof> {
    let mut proofs = Vec::new();
    let pc = ProofCtx { cx, endpoints, dns, routing: RouteIndex::new(routing), members: Members::new(endpoints, dns) };
    for (i, w) in cx.topo.workloads.iter().enumerate() {
        let Some(wv) = cx.vpc(&w.vpc) else { continue };
        for (j, need) in w.needs.iter().enumerate() {
            let (short, region) = match need.split_once('@') {
                Some((s, r)) => (s, r.to_owned()),
                None => (need.as_str(), wv.region.clone()),
            };
            let Some(service) = catalog::service(short) else { continue };
            if crate::regions::azs(&region).is_none() {
                continue;
            }
            let mut proof = Proof {
                workload: w.name.clone(),
                vpc: w.vpc.clone(),
                need: need.clone(),
                service: short.to_owned(),
                region: region.clone(),
                ok: false,
                path: Vec::new(),
                reason: None,
            };
            let result = if service.offered_in(&region) {
                pc.path(&w.vpc, wv, service, &region)
            } else {
                Err(missing(
                    LinkKind::Service,
                    format!("`{short}` is not offered in {region}"),
                    "choose a region that offers it",
                ))
            };
            let at = Pointer::root().key("workloads").index(i).key("needs").index(j);
            match result {
                Ok(steps) => {
                    proof.ok = true;
                    proof.path = steps;
                }
                Err(Missing { step: reason, hint }) => {
                    // a service missing from the region is LP030, like an endpoint's
                    let rule = if reason.link == LinkKind::Service { Rule::Lp030 } else { Rule::Lp031 };
                    let mut finding = Finding::at(
                        rule,
                        &at,
                        format!(
                            "workload `{}` in VPC `{}` cannot reach `{short}` in {region}: {} (missing link: {})",
                            w.name, w.vpc, reason.detail, reason.link
                        ),
                    );
                    if let Some(hint) = hint {
                        finding = finding.hint(hint);
                    }
                    out.push(finding);
                    proof.reason = Some(reason);
                }
            }
            proofs.push(proof);
        }
    }
    proofs
}

/// Membership of the plan's long lists (consumers of an endpoint, VPCs of a
/// zone, Profile or rule), hashed once so that each proof step is a lookup
/// rather than a scan: a hub may serve thousands of VPCs.
struct Members<'a> {
    of: HashMap<(MemberKind, &'a str), HashSet<&'a str>>,
}

/// Which list of the plan a membership is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum MemberKind {
    /// The VPCs a hub endpoint is shared with.
    EndpointConsumers,
    /// The VPCs a hosted zone is associated with.
    ZoneVpcs,
    /// The VPCs a Route 53 Profile is associated with.
    ProfileVpcs,
    /// The zones a Route 53 Profile holds.
    ProfileZones,
    /// The VPCs a resolver rule is associated with.
    RuleVpcs,
}

impl<'a> Members<'a> {
    fn new(endpoints: &'a [EndpointPlan], dns: &'a DnsPlan) -> Self {
        let mut of: HashMap<(MemberKind, &'a str), HashSet<&'a str>> = HashMap::new();
        let mut add = |kind: MemberKind, id: &'a str, list: &'a [String]| {
            of.entry((kind, id)).or_default().extend(list.iter().map(String::as_str));
        };
        for e in endpoints {
            add(MemberKind::EndpointConsumers, &e.id, &e.shared_with);
        }
        for z in &dns.hosted_zones {
            add(MemberKind::ZoneVpcs, &z.id, &z.associations);
        }
        for p in &dns.profiles {
            add(MemberKind::ProfileVpcs, &p.id, &p.associations);
            add(MemberKind::ProfileZones, &p.id, &p.zones);
        }
        for r in &dns.resolver_rules {
            add(MemberKind::RuleVpcs, &r.id, &r.associations);
        }
        Self { of }
    }

    fn has(&self, kind: MemberKind, id: &str, member: &str) -> bool {
        self.of.get(&(kind, id)).is_some_and(|s| s.contains(member))
    }
}

/// The plans a proof reads, with the indexes that make each step a lookup.
struct ProofCtx<'a> {
    cx: &'a Ctx<'a>,
    endpoints: &'a [EndpointPlan],
    dns: &'a DnsPlan,
    routing: RouteIndex<'a>,
    members: Members<'a>,
}

impl ProofCtx<'_> {
    /// The path from workload VPC `w` to `service` in `region`.
    fn path(&self, w: &str, wv: &VpcPlan, service: &catalog::Service, region: &str) -> Result<Vec<Step>, Missing> {
        let (cx, endpoints, members) = (self.cx, self.endpoints, &self.members);
        let short = service.short;
        // 1. a local endpoint answers with its own private DNS (or route table)
        if let Some(e) = endpoints.iter().find(|e| e.vpc == w && e.service == short && e.region == region) {
            if e.kind == EndpointKind::Gateway {
                return Ok(vec![
                    step(LinkKind::Endpoint, format!("gateway endpoint `{}` ({})", e.id, e.service_name)),
                    step(
                        LinkKind::Route,
                        format!(
                            "the route tables of tiers {} of `{w}` send `{short}` traffic to it",
                            e.route_table_tiers.iter().map(Tier::as_str).collect::<Vec<_>>().join(", ")
                        ),
                    ),
                ]);
            }
            let mut steps = vec![step(
                LinkKind::Dns,
                format!("private DNS of endpoint `{}` answers {} in `{w}`", e.id, names(service, region)),
            )];
            steps.push(step(LinkKind::Endpoint, format!("`{}` ENIs in {}", e.id, list(&e.subnets))));
            steps.push(step(LinkKind::Route, format!("local to `{w}`")));
            steps.push(admits(e, wv.cidr)?);
            return Ok(steps);
        }
        if service.kind == EndpointKind::Gateway {
            return Err(missing(
                LinkKind::Endpoint,
                format!("`{short}` is a gateway endpoint and `{w}` has none of its own"),
                format!("add `{short}` to an endpoints entry of `{w}`: gateway endpoints serve only their own VPC"),
            ));
        }
        // 2. a hub shares it with this VPC
        let Some(e) = endpoints
            .iter()
            .find(|e| e.service == short && e.region == region && members.has(MemberKind::EndpointConsumers, &e.id, w))
        else {
            // a hub of that service, else any VPC with it that could become one
            let hub = endpoints
                .iter()
                .filter(|e| e.service == short && e.region == region)
                .max_by_key(|e| (!e.shared_with.is_empty(), std::cmp::Reverse(e.vpc.clone())));
            let hint = match hub {
                Some(h) => format!("add `{w}` to the `share` of the endpoints of `{}`", h.vpc),
                None if wv.region == region => {
                    format!("add `{short}` to the endpoints of `{w}`, or share it from a hub in {region}")
                }
                None => format!("add `{short}` to the endpoints of a hub VPC in {region} and share it with `{w}`"),
            };
            return Err(missing(
                LinkKind::Endpoint,
                format!("no endpoint serves `{short}` in {region} to `{w}`"),
                hint,
            ));
        };
        let hv = cx
            .vpc(&e.vpc)
            .ok_or_else(|| missing_no_hint(LinkKind::Endpoint, format!("hub `{}` is not planned", e.vpc)))?;
        let mut steps = vec![self.resolves(w, wv, e, service, region)?];
        steps.push(step(LinkKind::Endpoint, format!("`{}` ENIs in hub `{}` {}", e.id, e.vpc, list(&e.subnets))));
        steps.push(self.route(w, wv, &e.vpc, hv)?);
        steps.push(admits(e, wv.cidr)?);
        Ok(steps)
    }

    /// How the hub's names resolve in the workload's VPC, by `dns.mode`.
    fn resolves(
        &self,
        w: &str,
        wv: &VpcPlan,
        e: &EndpointPlan,
        service: &catalog::Service,
        region: &str,
    ) -> Result<Step, Missing> {
        let (dns, members) = (self.dns, &self.members);
        if !service.has_dns() {
            return Err(missing(
                LinkKind::Dns,
                format!("`{}` has no private DNS name a hub can serve", service.short),
                "give the VPC an endpoint of its own",
            ));
        }
        let zones: Vec<_> = dns.hosted_zones.iter().filter(|z| z.endpoint == e.id).collect();
        if zones.is_empty() {
            return Err(missing(LinkKind::Dns, format!("no hosted zone serves `{}`'s names", e.id), "set `dns.mode`"));
        }
        let names = names(service, region);
        match dns.mode {
            None => Err(missing(LinkKind::Dns, "`dns.mode` is not set".to_owned(), "add `dns: { mode: profile }`")),
            Some(DnsMode::Association) => {
                if let Some(z) = zones.iter().find(|z| !members.has(MemberKind::ZoneVpcs, &z.id, w)) {
                    return Err(missing(
                        LinkKind::Dns,
                        format!("zone `{}` is not associated with `{w}`", z.name),
                        format!("share the endpoint with `{w}`"),
                    ));
                }
                Ok(step(LinkKind::Dns, format!("{names} resolve through zones associated with `{w}`")))
            }
            Some(DnsMode::Profile) => {
                let profile = dns.profiles.iter().find(|p| {
                    members.has(MemberKind::ProfileVpcs, &p.id, w)
                        && zones.iter().all(|z| members.has(MemberKind::ProfileZones, &p.id, &z.id))
                });
                match profile {
                    Some(p) => Ok(step(
                        LinkKind::Dns,
                        format!("{names} resolve through Route 53 Profile `{}` associated with `{w}`", p.name),
                    )),
                    None => Err(missing(
                        LinkKind::Dns,
                        format!("no Route 53 Profile associated with `{w}` holds {names}"),
                        format!("share the endpoint with `{w}`"),
                    )),
                }
            }
            Some(DnsMode::Resolver) => {
                if wv.region != e.region {
                    return Err(missing(
                        LinkKind::Dns,
                        format!(
                            "resolver rules are regional: `{w}` is in {}, the hub's rules in {}",
                            wv.region, e.region
                        ),
                        "use `dns.mode: profile` or `association` for consumers in other regions, or a hub in their region",
                    ));
                }
                if let Some(z) = zones.iter().find(|z| !members.has(MemberKind::RuleVpcs, &z.id, w)) {
                    return Err(missing(
                        LinkKind::Dns,
                        format!("no resolver rule for `{}` is associated with `{w}`", z.name),
                        format!("share the endpoint with `{w}`"),
                    ));
                }
                Ok(step(
                    LinkKind::Dns,
                    format!(
                        "{names} forward by resolver rules associated with `{w}` to the inbound resolver of `{}`",
                        e.vpc
                    ),
                ))
            }
        }
    }

    /// The route from the workload's VPC to the hub and back.
    fn route(&self, w: &str, wv: &VpcPlan, h: &str, hv: &VpcPlan) -> Result<Step, Missing> {
        let (cx, routing) = (self.cx, &self.routing);
        let attach_hint = |v: &str| format!("add `{v}` to `transit.attach`");
        match routing.mode() {
            None => Err(missing(
                LinkKind::Route,
                format!("`{w}` and hub `{h}` are not connected: there is no `transit`"),
                "add a `transit` section attaching both",
            )),
            Some(TransitMode::TransitGateway) => {
                for v in [w, h] {
                    if routing.attachment(v).is_none() {
                        return Err(missing(
                            LinkKind::Route,
                            format!("`{v}` is not attached to a transit gateway"),
                            attach_hint(v),
                        ));
                    }
                }
                if !routing.table_routes(w, h, hv.cidr, &hv.region) {
                    let seg = cx.vpc(w).and_then(|v| v.segment.clone()).unwrap_or_else(|| "default".into());
                    return Err(missing(
                        LinkKind::Route,
                        format!("the TGW route table of `{w}` (segment `{seg}`) has no route to hub `{h}`"),
                        "let the segments reach each other in `transit.segments`, or share from a hub that serves this segment",
                    ));
                }
                if !routing.table_routes(h, w, wv.cidr, &wv.region) {
                    return Err(missing(
                        LinkKind::Route,
                        format!("the TGW route table of hub `{h}` has no route back to `{w}`"),
                        format!("share the hub's endpoints with `{w}`"),
                    ));
                }
                for (from, to, cidr) in [(w, h, hv.cidr), (h, w, wv.cidr)] {
                    if routing.vpc_route(from, cidr).is_none() {
                        return Err(missing_no_hint(
                            LinkKind::Route,
                            format!("the route tables of `{from}` have no route to `{to}` ({cidr})"),
                        ));
                    }
                }
                let via = if wv.region == hv.region {
                    TransitGatewayPlan::id_of(&wv.region)
                } else {
                    format!(
                        "{} → peering → {}",
                        TransitGatewayPlan::id_of(&wv.region),
                        TransitGatewayPlan::id_of(&hv.region)
                    )
                };
                Ok(step(LinkKind::Route, format!("`{w}` ({}) → {via} → `{h}` ({}), and back", wv.cidr, hv.cidr)))
            }
            Some(TransitMode::VpcPeering) => {
                let there = routing.vpc_route(w, hv.cidr).filter(|r| r.via == RouteVia::VpcPeering);
                let back = routing.vpc_route(h, wv.cidr).filter(|r| r.via == RouteVia::VpcPeering);
                match (there, back) {
                    (Some(r), Some(_)) => {
                        Ok(step(LinkKind::Route, format!("`{w}` → `{}` → `{h}`, and back", r.target)))
                    }
                    _ => Err(missing(
                        LinkKind::Route,
                        format!("no VPC peering routes between `{w}` and hub `{h}`"),
                        format!("{} and {}", attach_hint(w), attach_hint(h)),
                    )),
                }
            }
        }
    }
}

fn names(service: &catalog::Service, region: &str) -> String {
    service
        .zones_in(region)
        .iter()
        .map(|(z, apex, wildcard)| match (apex, wildcard) {
            (true, true) => format!("{z} and *.{z}"),
            (false, true) => format!("*.{z}"),
            _ => z.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(nets: &[Ipv4Net]) -> String {
    nets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// The endpoint's security group admits the workload's CIDR on 443.
fn admits(e: &EndpointPlan, cidr: Ipv4Net) -> Result<Step, Missing> {
    let Some(sg) = &e.security_group else {
        return Err(missing_no_hint(LinkKind::SecurityGroup, format!("`{}` has no security group", e.id)));
    };
    let by_rule = sg.ingress.iter().any(|i| i.port == HTTPS && i.cidr.is_some_and(|c| c.contains(cidr)));
    let by_list = sg.prefix_list.as_ref().is_some_and(|l| l.entries.iter().any(|c| c.contains(cidr)));
    if by_rule || by_list {
        Ok(step(LinkKind::SecurityGroup, format!("`{}` admits {cidr} on TCP 443", e.id)))
    } else {
        Err(missing(
            LinkKind::SecurityGroup,
            format!("the security group of `{}` does not admit {cidr} on 443", e.id),
            "share the endpoint with the workload's VPC",
        ))
    }
}

impl Proof {
    /// The proof in words, for `plan explain`.
    pub fn to_text(&self) -> String {
        let mut s = format!("{} needs {} in {}: ", self.workload, self.service, self.region);
        if self.ok {
            s.push_str("reachable\n");
            for (i, st) in self.path.iter().enumerate() {
                let _ = writeln!(s, "  {}. {:<15} {}", i + 1, st.link, st.detail);
            }
        } else if let Some(r) = &self.reason {
            let _ = write!(s, "NOT reachable\n  missing link: {}: {}\n", r.link, r.detail);
        }
        s
    }
}
