//! RAM shares across accounts need the organization.
//!
//! The constructs share the transit gateway, Route 53 Profiles and resolver
//! rules with the topology's accounts with external principals off: inside
//! an organization with sharing enabled, the receiving account can use the
//! resource at once. Outside one, "the account receives an invitation" that
//! must be accepted before the share takes effect
//! (<https://docs.aws.amazon.com/ram/latest/userguide/working-with-sharing-create.html>),
//! and a share with external principals off is refused. So a cross-account
//! share in a topology that names no organization would fail at deploy: it
//! is a finding, with the fix, before then.

use super::Ctx;
use super::dns::DnsPlan;
use super::routing::RoutingPlan;
use crate::diagnostic::{Finding, Rule};
use crate::source::Pointer;

pub fn check(cx: &Ctx<'_>, dns: &DnsPlan, routing: &RoutingPlan, out: &mut Vec<Finding>) {
    if cx.topo.organization.is_some() {
        return;
    }
    let shared = |what: &str, accounts: &[String]| -> Option<String> {
        (!accounts.is_empty()).then(|| format!("{what} with {}", accounts.join(", ")))
    };
    let tgw: Vec<String> = routing
        .transit_gateways
        .iter()
        .filter_map(|t| shared(&format!("transit gateway `{}`", t.id), &t.shared_with_accounts))
        .collect();
    if let Some(first) = tgw.first() {
        out.push(finding(&Pointer::root().key("transit").key("owner"), first, tgw.len()));
    }
    let names: Vec<String> = dns
        .profiles
        .iter()
        .filter_map(|p| shared(&format!("Route 53 Profile `{}`", p.id), &p.shared_with_accounts))
        .chain(
            dns.resolver_rules
                .iter()
                .filter_map(|r| shared(&format!("resolver rule `{}`", r.id), &r.shared_with_accounts)),
        )
        .collect();
    if let Some(first) = names.first() {
        out.push(finding(&Pointer::root().key("dns").key("mode"), first, names.len()));
    }
}

fn finding(at: &Pointer, first: &str, n: usize) -> Finding {
    let more = if n > 1 { format!(" (and {} more shares)", n - 1) } else { String::new() };
    Finding::at(
        Rule::Lp015,
        at,
        format!("the plan shares {first}{more} by RAM across accounts, but the topology names no organization"),
    )
    .hint("add `organization: { id: o-… }` (the accounts' AWS Organization, with resource sharing enabled in RAM): shares outside an organization wait for invitations nobody accepts")
}
