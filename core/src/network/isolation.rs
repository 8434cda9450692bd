//! The isolation proof: what must not reach what cannot.
//!
//! Two kinds of proof, both over the planned routes rather than the
//! topology's intent, so a planner bug shows as a violation:
//!
//! - **segments**: for every pair of segments `transit.segments` does not
//!   let reach each other, no VPC of one has a packet path to a VPC of the
//!   other, in either direction;
//! - **assertions** (`isolation:`): no VPC of `from` reaches one of `to`
//!   (or, with `service`, an endpoint of that service in `to`).
//!
//! A packet path is a route of the source VPC's route tables that covers the
//! destination and, on a transit gateway, the source attachment's table
//! routing to the destination (propagated in the region, or a static route
//! over the peering that the remote `peering` table carries on). Nothing
//! transits *through* a VPC: AWS routes a packet by the table of the
//! attachment it arrives on, and a VPC does not forward what it receives
//! ("Transit gateway route tables",
//! <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html>; VPC
//! peering "does not support transitive peering relationships",
//! <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html>).
//! Hubs are VPCs like any other here. No route to on-premises is planned
//! (resolver endpoints answer DNS queries, they forward no packets), so
//! on-premises carries no path between segments.
//!
//! The one route across a boundary the topology may ask for is
//! `transit.segments.<a>.serves: [<b>]`: the hubs of `a` share endpoints with
//! VPCs of `b`. Those hub ↔ VPC routes are exceptions, listed in the proof,
//! and hold only for a hub that holds endpoints only (no `workload` tier), so
//! what is open across the boundary is its endpoints' security groups: each
//! service's ports (443; 9142 for Keyspaces) from their consumers.

use super::Ctx;
use super::endpoints::EndpointPlan;
use super::reachability::{LinkKind, Step};
use super::routing::{RouteIndex, RouteVia, RoutingPlan, segment_pairs};
use crate::diagnostic::{Finding, Rule};
use crate::source::Pointer;
use crate::spec::{IsolationScope, Tier};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IsolationProof {
    /// What must not reach `to`: `segment:<name>` or `vpc:<name>`.
    pub from: String,
    pub to: String,
    /// With a service, only its endpoints in `to` must be out of reach.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub source: IsolationSource,
    pub status: IsolationStatus,
    /// The first path found, when violated.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<Step>,
    /// Routes across the boundary the topology asks for (`serves`), each
    /// limited to a hub's endpoints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<String>,
}

/// Why the proof is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IsolationSource {
    /// Two segments `transit.segments` does not let reach each other.
    Segments,
    /// An entry of `isolation:`.
    Assertion,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IsolationStatus {
    /// No path exists.
    Isolated,
    /// A path exists (LP070).
    Violated,
}

/// `(a, b)` when segment `a`'s hubs may serve VPCs of segment `b`.
pub(crate) fn serves(cx: &Ctx<'_>) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (a, policy) in cx.topo.transit.iter().flat_map(|t| t.segments.iter().flatten()) {
        out.extend(policy.serves.iter().map(|b| (a.clone(), b.clone())));
    }
    out
}

/// LP071: a hub shares endpoints with a VPC of a segment its own segment
/// does not reach, and no `serves` says this is meant.
pub fn check_shares(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if cx.topo.transit.is_none() {
        return;
    }
    let (allowed, serves) = (segment_pairs(cx.topo), serves(cx));
    for (i, g) in cx.topo.endpoints.iter().enumerate() {
        let a = cx.topo.segment_of(&g.vpc);
        for (j, c) in g.share.iter().enumerate() {
            let b = cx.topo.segment_of(c);
            let pair = (a.to_owned(), b.to_owned());
            if a == b || allowed.contains(&pair) || serves.contains(&pair) || cx.vpc(c).is_none() {
                continue;
            }
            out.push(
                Finding::at(
                    Rule::Lp071,
                    &Pointer::root().key("endpoints").index(i).key("share").index(j),
                    format!(
                        "hub `{}` (segment `{a}`) shares endpoints with `{c}` (segment `{b}`), but `{a}` does not reach `{b}`",
                        g.vpc
                    ),
                )
                .hint(format!(
                    "share from a hub of segment `{b}`, or state the exception: `transit: {{ segments: {{ {a}: {{ serves: [{b}] }} }} }}` (routes to the hub's endpoints only)"
                )),
            );
        }
    }
}

/// Paths between VPCs over one routing plan.
pub(crate) struct Paths<'a> {
    cx: &'a Ctx<'a>,
    pub(crate) routes: RouteIndex<'a>,
    hubs: BTreeMap<&'a str, BTreeSet<&'a str>>,
    serves: BTreeSet<(String, String)>,
}

/// Whether a pair of VPCs may route to each other across a boundary.
pub(crate) enum Crossing {
    /// Not an exception.
    No,
    /// An exception (`serves`) holding for a hub of endpoints only.
    Excepted(String),
    /// Asked for by `serves`, but the hub holds more than endpoints.
    HubNotEndpointsOnly(String),
}

impl<'a> Paths<'a> {
    pub(crate) fn new(cx: &'a Ctx<'a>, routing: &'a RoutingPlan) -> Self {
        Self { cx, routes: RouteIndex::new(routing), hubs: cx.topo.hub_consumers(), serves: serves(cx) }
    }

    /// Whether one of `x` and `y` is a hub that shares endpoints with the
    /// other across a boundary no `serves` states (LP071's finding).
    fn shares_unstated(&self, x: &str, y: &str) -> bool {
        [(x, y), (y, x)].into_iter().any(|(hub, other)| {
            self.hubs.get(hub).is_some_and(|c| c.contains(other))
                && !self
                    .serves
                    .contains(&(self.cx.topo.segment_of(hub).to_owned(), self.cx.topo.segment_of(other).to_owned()))
        })
    }

    pub(crate) fn crossing(&self, x: &str, y: &str) -> Crossing {
        for (hub, other) in [(x, y), (y, x)] {
            if !self.hubs.contains_key(hub) {
                continue;
            }
            let (a, b) = (self.cx.topo.segment_of(hub), self.cx.topo.segment_of(other));
            if !self.serves.contains(&(a.to_owned(), b.to_owned())) {
                continue;
            }
            let endpoints_only = self
                .cx
                .vpc(hub)
                .is_some_and(|p| p.subnets.iter().all(|s| matches!(s.tier, Tier::Endpoints | Tier::Transit)));
            let what = format!("hub `{hub}` (segment `{a}`) serves segment `{b}`");
            return if endpoints_only {
                Crossing::Excepted(format!("{what}: only its endpoints, on their services' ports from their consumers"))
            } else {
                Crossing::HubNotEndpointsOnly(format!(
                    "{what}, but holds more than endpoints (tiers other than `endpoints` and `transit`), so the exception would open them too"
                ))
            };
        }
        Crossing::No
    }

    /// The first packet path from a VPC of `xs` to a VPC of `ys` (other than
    /// itself) that is no exception; the exceptions met on the way go to
    /// `exceptions`.
    pub(crate) fn first(
        &self,
        xs: &BTreeSet<&'a str>,
        ys: &BTreeSet<&'a str>,
        exceptions: &mut BTreeSet<String>,
        honour_exceptions: bool,
    ) -> Option<(&'a str, &'a str, Vec<Step>)> {
        // by transit gateway table: each table's reach computed once
        let mut by_table: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for x in xs {
            if let Some(a) = self.routes.attachment(x) {
                by_table.entry(a.route_table.as_str()).or_default().push(x);
            }
        }
        for (table, sources) in &by_table {
            let reach = self.routes.table_reach(table, |v| self.cx.vpc(v).map(|p| p.cidr));
            for y in reach.iter().filter(|y| ys.contains(*y)) {
                let Some(yv) = self.cx.vpc(y) else { continue };
                for x in sources.iter().filter(|x| *x != y) {
                    let Some(route) = self.routes.vpc_route(x, yv.cidr).filter(|r| r.via == RouteVia::TransitGateway)
                    else {
                        continue;
                    };
                    let path = vec![
                        Step {
                            link: LinkKind::Route,
                            detail: format!("`{x}` routes {} to {}", route.destination, route.target),
                        },
                        Step {
                            link: LinkKind::Route,
                            detail: format!("{table}, the table of `{x}`'s attachment, routes to `{y}` ({})", yv.cidr),
                        },
                    ];
                    if let Some(path) = self.violation(x, y, path, exceptions, honour_exceptions) {
                        return Some((x, y, path));
                    }
                }
            }
        }
        // by VPC peering
        for x in xs {
            for r in self.routes.routes_of(x).iter().filter(|r| r.via == RouteVia::VpcPeering) {
                let Some(y) = self.routes.peer(&r.target, x).filter(|y| ys.contains(y)) else { continue };
                let path = vec![Step {
                    link: LinkKind::Route,
                    detail: format!("`{x}` routes {} over VPC peering {} to `{y}`", r.destination, r.target),
                }];
                if let Some(path) = self.violation(x, y, path, exceptions, honour_exceptions) {
                    return Some((x, y, path));
                }
            }
        }
        None
    }

    /// What a path found from `x` to `y` is: a violation (the path, with the
    /// reason an exception does not hold when one was asked for), or `None`
    /// for an exception that holds, recorded in `exceptions`.
    fn violation(
        &self,
        x: &str,
        y: &str,
        mut path: Vec<Step>,
        exceptions: &mut BTreeSet<String>,
        honour_exceptions: bool,
    ) -> Option<Vec<Step>> {
        match if honour_exceptions { self.crossing(x, y) } else { Crossing::No } {
            Crossing::Excepted(why) => {
                exceptions.insert(why);
                None
            }
            Crossing::HubNotEndpointsOnly(why) => {
                path.push(Step { link: LinkKind::Route, detail: why });
                Some(path)
            }
            Crossing::No => Some(path),
        }
    }

    /// A path both ways between `x` and `y`, or `x == y`.
    pub(crate) fn both_ways(&self, x: &'a str, y: &'a str) -> Option<Vec<Step>> {
        if x == y {
            return Some(vec![Step { link: LinkKind::Route, detail: format!("local to `{x}`") }]);
        }
        let (xs, ys) = (BTreeSet::from([x]), BTreeSet::from([y]));
        let mut ignored = BTreeSet::new();
        let (_, _, mut there) = self.first(&xs, &ys, &mut ignored, false)?;
        there.extend(self.first(&ys, &xs, &mut ignored, false)?.2);
        Some(there)
    }
}

/// Every isolation proof of the plan; a violation is LP070.
pub fn prove(
    cx: &Ctx<'_>,
    routing: &RoutingPlan,
    endpoints: &[EndpointPlan],
    out: &mut Vec<Finding>,
) -> Vec<IsolationProof> {
    let mut members: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for v in cx.vpcs.keys() {
        members.entry(cx.topo.segment_of(v)).or_default().insert(v.as_str());
    }
    // one segment and no assertion: nothing to prove, and no route index to
    // build (a topology of 10,000 VPCs in one segment pays nothing)
    if members.len() < 2 && cx.topo.isolation.is_empty() {
        return Vec::new();
    }
    let paths = Paths::new(cx, routing);
    let mut proofs = Vec::new();
    let allowed = segment_pairs(cx.topo);
    let segments: Vec<&str> = members.keys().copied().collect();
    for (i, a) in segments.iter().enumerate() {
        for b in segments.iter().skip(i + 1) {
            if allowed.contains(&((*a).to_owned(), (*b).to_owned())) {
                continue;
            }
            let (xs, ys) = (&members[a], &members[b]);
            let mut exceptions = BTreeSet::new();
            let found =
                paths.first(xs, ys, &mut exceptions, true).or_else(|| paths.first(ys, xs, &mut exceptions, true));
            // a hub sharing across the boundary without `serves` is LP071's
            // finding; the verdict stays violated
            let by_share = found.as_ref().is_some_and(|(x, y, _)| paths.shares_unstated(x, y));
            // a `serves` exception to a hub that runs more than endpoints
            let via_hub = found.as_ref().and_then(|(x, y, _)| match paths.crossing(x, y) {
                Crossing::HubNotEndpointsOnly(_) => [*x, *y].into_iter().find(|v| paths.hubs.contains_key(v)),
                _ => None,
            });
            let path = found.map(|(_, _, p)| p);
            let proof = IsolationProof {
                from: format!("segment:{a}"),
                to: format!("segment:{b}"),
                service: None,
                source: IsolationSource::Segments,
                status: if path.is_some() { IsolationStatus::Violated } else { IsolationStatus::Isolated },
                path: path.unwrap_or_default(),
                exceptions: exceptions.into_iter().collect(),
            };
            if proof.status == IsolationStatus::Violated && !by_share {
                let first = xs.iter().next().copied().unwrap_or_default();
                let at = segment_pointer(cx, first);
                out.push(
                    Finding::at(
                        Rule::Lp070,
                        &at,
                        format!(
                            "segments `{a}` and `{b}` must not reach each other (`transit.segments` does not let them), but a packet path exists: {}",
                            detail(&proof.path)
                        ),
                    )
                    .hint(match via_hub {
                        Some(h) => format!("move the workloads out of hub `{h}` (a hub that serves another segment holds endpoints only), or drop the `serves` exception"),
                        None => format!("let them reach each other on purpose (`transit: {{ segments: {{ {a}: {{ reaches: [{b}] }} }} }}`), or remove what routes between them"),
                    }),
                );
            }
            proofs.push(proof);
        }
    }
    for (i, assertion) in cx.topo.isolation.iter().enumerate() {
        let at = Pointer::root().key("isolation").index(i);
        let (Some(xs), Some(ys)) = (scope_vpcs(cx, &members, &assertion.from), scope_vpcs(cx, &members, &assertion.to))
        else {
            continue; // an unknown name: LP010 from validation
        };
        let mut ignored = BTreeSet::new();
        let path = match &assertion.to.service {
            None => paths
                .first(&xs, &ys, &mut ignored, false)
                .or_else(|| paths.first(&ys, &xs, &mut ignored, false))
                .map(|(_, _, p)| p),
            Some(service) => service_path(cx, &paths, &xs, &ys, service, endpoints),
        };
        let proof = IsolationProof {
            from: scope_name(&assertion.from),
            to: scope_name(&assertion.to),
            service: assertion.to.service.clone(),
            source: IsolationSource::Assertion,
            status: if path.is_some() { IsolationStatus::Violated } else { IsolationStatus::Isolated },
            path: path.unwrap_or_default(),
            exceptions: Vec::new(),
        };
        if proof.status == IsolationStatus::Violated {
            let what = proof.service.as_ref().map_or(proof.to.clone(), |s| format!("{s} in {}", proof.to));
            out.push(
                Finding::at(
                    Rule::Lp070,
                    &at,
                    format!("`{}` must not reach `{what}`, but it does: {}", proof.from, detail(&proof.path)),
                )
                .hint("remove the share, the `reaches` or the exception that opens the path, or the assertion if the path is meant"),
            );
        }
        proofs.push(proof);
    }
    proofs
}

/// Where a segment's boundary is written: the VPC's `segment`, or the VPC.
fn segment_pointer(cx: &Ctx<'_>, vpc: &str) -> Pointer {
    let p = Pointer::root().key("vpcs").key(vpc);
    if cx.topo.vpcs.get(vpc).is_some_and(|v| v.segment.is_some()) { p.key("segment") } else { p }
}

fn detail(path: &[Step]) -> String {
    path.iter().map(|s| s.detail.as_str()).collect::<Vec<_>>().join("; ")
}

fn scope_name(s: &IsolationScope) -> String {
    match (&s.segment, &s.vpc) {
        (Some(seg), _) => format!("segment:{seg}"),
        (None, Some(v)) => format!("vpc:{v}"),
        (None, None) => String::new(),
    }
}

/// The VPCs a scope names, or `None` when it names nothing known.
fn scope_vpcs<'a>(
    cx: &'a Ctx<'a>,
    members: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    s: &IsolationScope,
) -> Option<BTreeSet<&'a str>> {
    match (&s.segment, &s.vpc) {
        (Some(seg), None) => Some(members.get(seg.as_str()).cloned().unwrap_or_default()),
        (None, Some(v)) => cx.vpcs.get_key_value(v.as_str()).map(|(k, _)| BTreeSet::from([k.as_str()])),
        _ => None,
    }
}

/// A path from a VPC of `xs` to an endpoint of `service` in `ys`: both
/// ways to the endpoint's VPC, and its security group admitting the source.
pub(crate) fn service_path<'a>(
    cx: &'a Ctx<'a>,
    paths: &Paths<'a>,
    xs: &BTreeSet<&'a str>,
    ys: &BTreeSet<&'a str>,
    service: &str,
    endpoints: &'a [EndpointPlan],
) -> Option<Vec<Step>> {
    let (short, region) = service.split_once('@').map_or((service, None), |(s, r)| (s, Some(r)));
    for e in endpoints.iter().filter(|e| e.service == short && region.is_none_or(|r| e.region == r)) {
        let Some((h, _)) = cx.vpcs.get_key_value(e.vpc.as_str()) else { continue };
        if !ys.contains(h.as_str()) {
            continue;
        }
        for x in xs {
            let Some(xv) = cx.vpc(x) else { continue };
            let Some(sg) = &e.security_group else { continue };
            let admitted = sg
                .ingress
                .iter()
                .filter_map(|i| i.cidr)
                .chain(sg.prefix_list.iter().flat_map(|l| l.entries.iter().copied()))
                .find(|c| c.overlaps(xv.cidr));
            let Some(admitted) = admitted else { continue };
            if let Some(mut path) = paths.both_ways(x, h) {
                path.push(Step {
                    link: LinkKind::SecurityGroup,
                    detail: format!(
                        "the security group of `{}` admits {admitted} (in `{x}`) on {}",
                        e.id,
                        super::reachability::tcp(crate::catalog::service(&e.service).map_or(&[443][..], |s| s.ports))
                    ),
                });
                return Some(path);
            }
        }
    }
    None
}
