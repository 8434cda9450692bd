//! `plan explain FILE FROM TO` between any two things of a plan: VPCs,
//! segments, workloads, and (as `TO`) a service. It answers a reviewer's
//! question, "can FROM reach TO, and how", or "no, and what stops it", over
//! the planned routes and security groups, the same ones the isolation proof
//! reads (see [`super::isolation`]), so what it says is what was proved.
//!
//! It answers for packets: a path both ways and, for a service, a security
//! group admitting the source. Whether a workload's *name* resolves to the
//! endpoint is proved per need, by the reachability proof
//! (`plan explain FILE WORKLOAD SERVICE` for a workload that needs it).

use super::Ctx;
use super::endpoints::EndpointPlan;
use super::isolation::{Crossing, IsolationStatus, Paths, service_path};
use super::reachability::Step;
use super::routing::{RouteVia, segment_pairs};
use crate::catalog::EndpointKind;
use crate::plan::Plan;
use crate::spec::Topology;
use crate::suggest;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The answer to "can FROM reach TO".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// FROM, as resolved: `segment:<name>`, `vpc:<name>` or `workload:<name>`.
    pub from: String,
    /// TO, as resolved; `service:<name>[@region]` for a service.
    pub to: String,
    pub reachable: bool,
    /// How (the path, both ways) or what stops it, in order.
    pub lines: Vec<String>,
}

impl Explanation {
    pub fn to_text(&self) -> String {
        let verdict = if self.reachable { "reachable" } else { "NOT reachable" };
        let mut s = format!("{} → {}: {verdict}\n", self.from, self.to);
        for l in &self.lines {
            let _ = writeln!(s, "  {l}");
        }
        s
    }
}

/// The endpoints of a service whose reason is shown, at most.
const SHOWN: usize = 5;

/// What a name given to `explain` stands for.
enum Scope<'a> {
    Vpcs { label: String, vpcs: BTreeSet<&'a str>, note: Option<String> },
    Service { short: String, region: Option<String> },
}

/// Whether `FROM` can reach `TO` in `plan` (made from `topo`). `Err` is a
/// usage error: a name that stands for nothing, or for more than one thing.
pub fn between(topo: &Topology, plan: &Plan, from: &str, to: &str) -> Result<Explanation, String> {
    let cx = Ctx::new(topo, &plan.vpcs);
    let from_scope = resolve(&cx, from)?;
    let to_scope = resolve(&cx, to)?;
    let paths = Paths::new(&cx, &plan.routing);
    let (Scope::Vpcs { label: from_label, vpcs: xs, note }, to_scope) = (from_scope, to_scope) else {
        return Err(format!(
            "`{from}` is a service; FROM is what calls: a VPC, a segment or a workload (a service answers)"
        ));
    };
    let mut lines: Vec<String> = note.into_iter().collect();
    let (to_label, reachable) = match to_scope {
        Scope::Vpcs { label, vpcs: ys, note } => {
            lines.extend(note);
            let reachable = vpcs_between(&cx, &paths, &xs, &ys, &mut lines);
            isolation_verdicts(plan, &from_label, &label, &mut lines);
            (label, reachable)
        }
        Scope::Service { short, region } => {
            let label = format!("service:{short}{}", region.as_deref().map(|r| format!("@{r}")).unwrap_or_default());
            let reachable = service_between(&cx, &paths, &plan.endpoints, &xs, &short, region.as_deref(), &mut lines);
            lines.push(
                "(packets and security groups; that a workload's name resolves to the endpoint is proved per need: `plan explain FILE WORKLOAD SERVICE`)"
                    .to_owned(),
            );
            (label, reachable)
        }
    };
    Ok(Explanation { from: from_label, to: to_label, reachable, lines })
}

/// Resolves `name`: `segment:`, `vpc:`, `workload:` or `service:` say what
/// it is; a bare name is whichever of them it names, and must name one.
fn resolve<'a>(cx: &Ctx<'a>, name: &str) -> Result<Scope<'a>, String> {
    let (kind, bare) = match name.split_once(':') {
        Some((k @ ("segment" | "vpc" | "workload" | "service"), rest)) => (Some(k), rest),
        _ => (None, name),
    };
    let segments = segments(cx);
    let mut found: Vec<Scope<'a>> = Vec::new();
    if kind.is_none_or(|k| k == "workload")
        && let Some(w) = cx.topo.workloads.iter().find(|w| w.name == bare)
    {
        let Some(v) = w.vpc.as_deref().and_then(|v| cx.vpcs.get_key_value(v)).map(|(k, _)| k.as_str()) else {
            return Err(format!(
                "workload `{bare}` runs in no VPC of the plan (on premises); explain its needs instead: `plan explain FILE {bare} SERVICE`"
            ));
        };
        found.push(Scope::Vpcs {
            label: format!("workload:{bare}"),
            vpcs: BTreeSet::from([v]),
            note: Some(format!("workload `{bare}` runs in `{v}`")),
        });
    }
    if kind.is_none_or(|k| k == "vpc")
        && let Some((v, _)) = cx.vpcs.get_key_value(bare)
    {
        found.push(Scope::Vpcs { label: format!("vpc:{v}"), vpcs: BTreeSet::from([v.as_str()]), note: None });
    }
    if kind.is_none_or(|k| k == "segment") && segments.contains(bare) {
        let vpcs: BTreeSet<&str> =
            cx.vpcs.keys().map(String::as_str).filter(|v| cx.topo.segment_of(v) == bare).collect();
        let note = format!("segment `{bare}`: {}", suggest::list(&vpcs, 6));
        found.push(Scope::Vpcs { label: format!("segment:{bare}"), vpcs, note: Some(note) });
    }
    if kind.is_none_or(|k| k == "service") {
        let (short, region) = bare.split_once('@').map_or((bare, None), |(s, r)| (s, Some(r.to_owned())));
        if crate::catalog::service(short).is_some() {
            found.push(Scope::Service { short: short.to_owned(), region });
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => {
            let mut candidates: Vec<&str> = crate::catalog::short_names().collect();
            candidates.extend(cx.topo.workloads.iter().map(|w| w.name.as_str()));
            candidates.extend(cx.vpcs.keys().map(String::as_str));
            candidates.extend(segments.iter().copied());
            let hint = suggest::hint_for(bare, candidates).map(|h| format!("; {h}")).unwrap_or_default();
            Err(format!("`{name}` names no workload, VPC, segment or service of the plan{hint}"))
        }
        _ => {
            let kinds: Vec<String> = found
                .iter()
                .map(|s| match s {
                    Scope::Vpcs { label, .. } => label.clone(),
                    Scope::Service { .. } => format!("service:{bare}"),
                })
                .collect();
            Err(format!("`{name}` names more than one thing; say which: {}", kinds.join(" or ")))
        }
    }
}

/// The segments of the plan: those declared, and those its VPCs are in.
fn segments<'a>(cx: &Ctx<'a>) -> BTreeSet<&'a str> {
    let mut out: BTreeSet<&str> =
        cx.topo.transit.iter().flat_map(|t| t.segments.iter().flatten()).map(|(k, _)| k.as_str()).collect();
    out.extend(cx.vpcs.keys().map(|v| cx.topo.segment_of(v)));
    out
}

fn steps(lines: &mut Vec<String>, path: &[Step]) {
    lines.extend(path.iter().map(|s| format!("  {}", s.detail)));
}

/// A path both ways between a VPC of `xs` and one of `ys`, or what stops it.
fn vpcs_between<'a>(
    cx: &Ctx<'a>,
    paths: &Paths<'a>,
    xs: &BTreeSet<&'a str>,
    ys: &BTreeSet<&'a str>,
    lines: &mut Vec<String>,
) -> bool {
    if let Some(v) = xs.intersection(ys).next() {
        lines.push(format!("`{v}` is on both sides: local traffic, no route needed"));
        return true;
    }
    if xs.is_empty() || ys.is_empty() {
        lines.push("one side holds no VPC".to_owned());
        return false;
    }
    let mut ignored = BTreeSet::new();
    let forward = paths.first(xs, ys, &mut ignored, false);
    if let Some((x, y, there)) = forward {
        let back = paths.first(&BTreeSet::from([y]), &BTreeSet::from([x]), &mut ignored, false);
        lines.push(format!("`{x}` → `{y}`:"));
        steps(lines, &there);
        if let Some((_, _, back)) = back {
            lines.push(format!("and back, `{y}` → `{x}`:"));
            steps(lines, &back);
            match paths.crossing(x, y) {
                Crossing::Excepted(why) => {
                    lines.push(format!("across a segment boundary, as the topology states: {why}"));
                }
                Crossing::HubNotEndpointsOnly(why) => lines.push(format!("across a segment boundary: {why}")),
                Crossing::No => {}
            }
            return true;
        }
        lines.push(format!("but nothing routes back from `{y}` to `{x}`:"));
        blocked(cx, paths, y, x, lines);
        return false;
    }
    if xs.len() * ys.len() > 1 {
        lines.push(format!("no packet path from any of its {} VPCs to any of {}; for example:", xs.len(), ys.len()));
    } else {
        lines.push("what stops it:".to_owned());
    }
    let (x, y) = (xs.iter().next().copied().unwrap_or_default(), ys.iter().next().copied().unwrap_or_default());
    blocked(cx, paths, x, y, lines);
    false
}

/// Why `x` has no packet path to `y` (or back).
fn blocked<'a>(cx: &Ctx<'a>, paths: &Paths<'a>, x: &str, y: &str, lines: &mut Vec<String>) {
    let Some(yv) = cx.vpc(y) else { return };
    let routes = &paths.routes;
    let segment_reason = || {
        let (a, b) = (cx.topo.segment_of(x), cx.topo.segment_of(y));
        (a != b && !segment_pairs(cx.topo).contains(&(a.to_owned(), b.to_owned()))).then(|| {
            format!(
                "  `{x}` is in segment `{a}` and `{y}` in `{b}`, and `transit.segments` does not let `{a}` reach `{b}`"
            )
        })
    };
    match routes.vpc_route(x, yv.cidr) {
        None => {
            lines.push(format!("  none of `{x}`'s routes covers `{y}` ({})", yv.cidr));
            if routes.attachment(x).is_none() && routes.mode().is_some() {
                lines.push(format!("  `{x}` is not attached to a transit gateway (`transit.attach`)"));
            }
            lines.extend(segment_reason());
        }
        Some(r) if r.via == RouteVia::TransitGateway => {
            let Some(att) = routes.attachment(x) else {
                lines.push(format!("  `{x}` routes {} to {}, but has no attachment", r.destination, r.target));
                return;
            };
            if routes.table_reach(&att.route_table, |v| cx.vpc(v).map(|p| p.cidr)).contains(y) {
                // this way is open; what stops it is the way back
                blocked(cx, paths, y, x, lines);
                return;
            }
            lines.push(format!(
                "  `{x}` routes {} to {}, but {}, the table of its attachment, has no route to `{y}` ({})",
                r.destination, r.target, att.route_table, yv.cidr
            ));
            lines.extend(segment_reason());
        }
        Some(r) => match routes.peer(&r.target, x) {
            Some(p) if p == y => blocked(cx, paths, y, x, lines),
            p => {
                lines.push(format!(
                    "  `{x}` routes {} over VPC peering {} to `{}`, which does not carry it on (peering is not transitive)",
                    r.destination,
                    r.target,
                    p.unwrap_or("?")
                ));
            }
        },
    }
}

/// Whether a VPC of `xs` reaches an endpoint of `short` (in `region`), or
/// what stops each.
fn service_between<'a>(
    cx: &'a Ctx<'a>,
    paths: &Paths<'a>,
    endpoints: &'a [EndpointPlan],
    xs: &BTreeSet<&'a str>,
    short: &str,
    region: Option<&str>,
    lines: &mut Vec<String>,
) -> bool {
    let of_service: Vec<&EndpointPlan> =
        endpoints.iter().filter(|e| e.service == short && region.is_none_or(|r| e.region == r)).collect();
    if of_service.is_empty() {
        let at = region.map(|r| format!(" in {r}")).unwrap_or_default();
        lines.push(format!("no endpoint of `{short}` is planned{at} (`services:` of a VPC, or `endpoints:` of a hub)"));
        return false;
    }
    // gateway endpoints serve the VPC whose route tables hold them
    for e in of_service.iter().filter(|e| e.kind == EndpointKind::Gateway) {
        if let Some(x) = xs.get(e.vpc.as_str()) {
            lines.push(format!(
                "`{x}` holds the gateway endpoint `{}`: its route tables route the service's prefix list to it",
                e.id
            ));
            return true;
        }
    }
    let interface: BTreeSet<&str> =
        of_service.iter().filter(|e| e.kind == EndpointKind::Interface).map(|e| e.vpc.as_str()).collect();
    let request = match region {
        Some(r) => format!("{short}@{r}"),
        None => short.to_owned(),
    };
    if let Some(path) = service_path(cx, paths, xs, &interface, &request, endpoints) {
        lines.push("the path, there and back, and the endpoint's security group:".to_owned());
        steps(lines, &path);
        return true;
    }
    let x = xs.iter().next().copied().unwrap_or_default();
    let Some(xv) = cx.vpc(x) else { return false };
    for e in of_service.iter().take(SHOWN) {
        if e.kind == EndpointKind::Gateway {
            lines.push(format!("`{}`: a gateway endpoint serves only its own VPC, `{}`", e.id, e.vpc));
            continue;
        }
        if e.vpc != x && paths.both_ways(x, &e.vpc).is_none() {
            lines.push(format!("`{}`: no packet path between `{x}` and `{}`:", e.id, e.vpc));
            blocked(cx, paths, x, &e.vpc, lines);
            continue;
        }
        lines.push(format!(
            "`{}`: its security group admits none of `{x}`'s addresses ({}); it admits its consumers only",
            e.id, xv.cidr
        ));
    }
    if of_service.len() > SHOWN {
        lines.push(format!("and {} more endpoints of `{short}`", of_service.len() - SHOWN));
    }
    false
}

/// The isolation proofs between the two sides, and the exceptions they list.
fn isolation_verdicts(plan: &Plan, from: &str, to: &str, lines: &mut Vec<String>) {
    for p in plan
        .isolation
        .iter()
        .filter(|p| p.service.is_none() && ((p.from == from && p.to == to) || (p.from == to && p.to == from)))
    {
        let verdict = match p.status {
            IsolationStatus::Isolated => "isolated",
            IsolationStatus::Violated => "VIOLATED",
        };
        lines.push(format!("isolation proof ({} and {}): {verdict}", p.from, p.to));
        lines.extend(p.exceptions.iter().map(|e| format!("  exception: {e}")));
    }
}
