//! The lock file: every VPC and subnet allocation, recorded so that it never
//! moves when the topology grows, shrinks or is reordered.
//!
//! The core only reads and renders lock text; writing it (atomically) is the
//! caller's job. Entries of VPCs or subnets that left the topology are kept,
//! and their ranges stay taken, until the lock is rewritten with `prune` or
//! the VPC is released by name: the old VPC may still be deployed while its
//! removal rolls out. Each entry also records the VPC's account and region
//! (a VPC cannot move there without being replaced) and, after a rename,
//! the name its CloudFormation resources were created under.

mod claims;

pub use claims::{Claims, claim, report_unclaimed};

use crate::cidr::Ipv4Net;
use crate::cidr::subnets::SubnetKey;
use crate::diagnostic::{Anchor, Finding, Rule};
use crate::plan::Plan;
use crate::source::{self, Pointer, SpanIndex};
use crate::spec::Tier;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const LOCK_VERSION: u32 = 1;

/// The lock file as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Lock {
    pub lock_version: u32,
    /// The topology's `name`; a lock of another topology is refused.
    pub topology: String,
    pub vpcs: BTreeMap<String, LockedVpc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LockedVpc {
    pub cidr: String,
    /// The account ID the VPC is in. Absent in locks written before it was
    /// recorded; the next write adds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region the VPC is in (absent like `account` in older locks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The name the VPC's CloudFormation resources were created under, when
    /// it was renamed since (`was:`): its logical IDs keep that name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub construct_id: Option<String>,
    #[serde(default)]
    pub subnets: Vec<LockedSubnet>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LockedSubnet {
    pub tier: Tier,
    pub az: String,
    pub cidr: String,
}

/// A lock read and checked: CIDRs parsed, subnets keyed by tier and AZ.
#[derive(Debug, Default)]
pub struct ParsedLock {
    pub vpcs: BTreeMap<String, LockedAllocation>,
}

#[derive(Debug, Clone)]
pub struct LockedAllocation {
    pub cidr: Ipv4Net,
    pub subnets: BTreeMap<SubnetKey, Ipv4Net>,
    /// The account ID, when the lock records it.
    pub account: Option<String>,
    /// The region, when the lock records it.
    pub region: Option<String>,
    pub construct_id: Option<String>,
}

impl LockedAllocation {
    /// The AZ IDs of the locked subnets, each once, in order.
    pub fn azs(&self) -> Vec<&str> {
        let azs: std::collections::BTreeSet<&str> = self.subnets.keys().map(|k| k.az.as_str()).collect();
        azs.into_iter().collect()
    }

    /// `10.0.0.0/20, 2 subnets`: the entry in short.
    pub fn summary(&self) -> String {
        let n = self.subnets.len();
        format!("{}, {n} subnet{}", self.cidr, if n == 1 { "" } else { "s" })
    }

    /// `10.0.0.0/20 and its 2 subnets: workload use1-az1 10.0.0.0/22,
    /// endpoints use1-az1 10.0.4.0/28`: what releasing the entry frees.
    pub fn describe(&self) -> String {
        if self.subnets.is_empty() {
            return format!("{} (no subnets)", self.cidr);
        }
        let subnets: Vec<String> = self.subnets.iter().map(|(k, net)| format!("{} {} {net}", k.tier, k.az)).collect();
        let n = self.subnets.len();
        format!("{} and its {n} subnet{}: {}", self.cidr, if n == 1 { "" } else { "s" }, subnets.join(", "))
    }
}

/// Reads lock text. Any problem is LP002 in the lock file and the lock is
/// not used (nor, by the CLI, overwritten).
pub fn parse(text: &str, topology_name: &str) -> (Option<ParsedLock>, SpanIndex, Vec<Finding>) {
    // Fast path: a lock is JSON written by us; serde_json reads a 10,000-VPC
    // lock many times faster than the YAML loader. Spans are only needed
    // for findings, so the loader runs only when something is wrong.
    let (lock, mut out) = match serde_json::from_str::<Lock>(text) {
        Ok(lock) => (lock, Vec::new()),
        Err(_) => return parse_slow(text, topology_name),
    };
    let (parsed, findings) = check(&lock, topology_name, &mut out);
    if findings {
        return parse_slow(text, topology_name);
    }
    (parsed, SpanIndex::default(), out)
}

/// Reads the lock with the span-keeping loader, for precise findings.
fn parse_slow(text: &str, topology_name: &str) -> (Option<ParsedLock>, SpanIndex, Vec<Finding>) {
    let (value, spans, errors) = source::load(text);
    let mut out: Vec<Finding> = errors
        .into_iter()
        .map(|e| Finding::new(Rule::Lp002, Anchor::Span(e.span), format!("lock file: {}", e.message)).in_lock())
        .collect();
    let Some(value) = value.filter(|_| out.is_empty()) else { return (None, spans, corrupt(out)) };
    match serde_json::from_value::<Lock>(value) {
        Ok(lock) => {
            let (parsed, findings) = check(&lock, topology_name, &mut out);
            if findings { (None, spans, corrupt(out)) } else { (parsed, spans, out) }
        }
        Err(e) => {
            out.push(
                Finding::at(Rule::Lp002, &Pointer::root(), format!("lock file is not a Linkplan lock: {e}")).in_lock(),
            );
            (None, spans, corrupt(out))
        }
    }
}
/// Checks a lock read into its types; `true` when it has findings.
fn check(lock: &Lock, topology_name: &str, out: &mut Vec<Finding>) -> (Option<ParsedLock>, bool) {
    if lock.lock_version != LOCK_VERSION {
        out.push(
            Finding::at(
                Rule::Lp002,
                &Pointer::root().key("lockVersion"),
                format!("lock file version {} is not supported; expected {LOCK_VERSION}", lock.lock_version),
            )
            .in_lock(),
        );
    }
    if lock.topology != topology_name {
        out.push(
            Finding::at(
                Rule::Lp002,
                &Pointer::root().key("topology"),
                format!("lock file belongs to topology `{}`, not `{topology_name}`", lock.topology),
            )
            .in_lock()
            .hint("pass the lock of this topology with `--lock`, or rename back"),
        );
    }
    let mut vpcs = BTreeMap::new();
    for (name, v) in &lock.vpcs {
        let p = Pointer::root().key("vpcs").key(name);
        let Some(cidr) = lock_net(&v.cidr, &p.key("cidr"), out) else { continue };
        let mut subnets: BTreeMap<SubnetKey, Ipv4Net> = BTreeMap::new();
        for (i, s) in v.subnets.iter().enumerate() {
            let sp = p.key("subnets").index(i).key("cidr");
            let Some(net) = lock_net(&s.cidr, &sp, out) else { continue };
            if !cidr.contains(net) {
                out.push(
                    Finding::at(Rule::Lp002, &sp, format!("locked subnet {net} is outside its VPC's {cidr}")).in_lock(),
                );
            } else if let Some((key, other)) = subnets.iter().find(|(_, o): &(_, &Ipv4Net)| o.overlaps(net)) {
                out.push(
                    Finding::at(
                        Rule::Lp002,
                        &sp,
                        format!("locked subnet {net} overlaps the locked subnet {other} ({} in {})", key.tier, key.az),
                    )
                    .in_lock(),
                );
            } else if subnets.insert(SubnetKey { tier: s.tier.clone(), az: s.az.clone() }, net).is_some() {
                out.push(
                    Finding::at(Rule::Lp002, &sp, format!("subnet {} in {} is locked twice", s.tier, s.az)).in_lock(),
                );
            }
        }
        vpcs.insert(
            name.clone(),
            LockedAllocation {
                cidr,
                subnets,
                account: v.account.clone(),
                region: v.region.clone(),
                construct_id: v.construct_id.clone(),
            },
        );
    }
    if !out.is_empty() {
        return (None, true);
    }
    (Some(ParsedLock { vpcs }), false)
}

fn corrupt(findings: Vec<Finding>) -> Vec<Finding> {
    findings
        .into_iter()
        .map(|f| {
            if f.hint.is_some() {
                f
            } else {
                f.hint("the lock is not used and will not be overwritten; restore it from version control")
            }
        })
        .collect()
}

fn lock_net(text: &str, path: &Pointer, out: &mut Vec<Finding>) -> Option<Ipv4Net> {
    if let Ok(n) = text.parse::<Ipv4Net>() {
        Some(n)
    } else {
        out.push(Finding::at(Rule::Lp002, path, format!("`{text}` is not a canonical IPv4 CIDR")).in_lock());
        None
    }
}

impl Lock {
    /// The lock a plan implies. Each VPC is written under its name with the
    /// entry it holds (its own, or with `was:` its old name's, which is
    /// dropped: the allocation moved with the rename). Entries of the old
    /// lock whose VPC or subnet left the topology are kept unless `prune`.
    pub fn from_plan(plan: &Plan, old: Option<&ParsedLock>, claims: &Claims, prune: bool) -> Lock {
        let mut vpcs: BTreeMap<String, LockedVpc> = BTreeMap::new();
        for (name, v) in &plan.vpcs {
            let mut subnets: Vec<LockedSubnet> = v
                .subnets
                .iter()
                .map(|s| LockedSubnet { tier: s.tier.clone(), az: s.az.clone(), cidr: s.cidr.to_string() })
                .collect();
            let held = claims.entry_of(name).and_then(|key| old.and_then(|o| o.vpcs.get(key)));
            if !prune && let Some(old) = held.filter(|o| o.cidr == v.cidr) {
                for (key, net) in &old.subnets {
                    if !subnets.iter().any(|s| s.tier == key.tier && s.az == key.az) {
                        subnets.push(LockedSubnet {
                            tier: key.tier.clone(),
                            az: key.az.clone(),
                            cidr: net.to_string(),
                        });
                    }
                }
            }
            subnets.sort();
            vpcs.insert(
                name.clone(),
                LockedVpc {
                    cidr: v.cidr.to_string(),
                    account: Some(v.account_id.clone()).filter(|a| !a.is_empty()),
                    region: Some(v.region.clone()),
                    construct_id: v.construct_id.clone(),
                    subnets,
                },
            );
        }
        if !prune {
            for (name, old) in old.iter().flat_map(|o| o.vpcs.iter()) {
                if claims.is_claimed(name) {
                    continue;
                }
                vpcs.entry(name.clone()).or_insert_with(|| LockedVpc {
                    cidr: old.cidr.to_string(),
                    account: old.account.clone(),
                    region: old.region.clone(),
                    construct_id: old.construct_id.clone(),
                    // a BTreeMap by tier and AZ ID: already the canonical order
                    subnets: old
                        .subnets
                        .iter()
                        .map(|(key, net)| LockedSubnet {
                            tier: key.tier.clone(),
                            az: key.az.clone(),
                            cidr: net.to_string(),
                        })
                        .collect(),
                });
            }
        }
        Lock { lock_version: LOCK_VERSION, topology: plan.name.clone(), vpcs }
    }

    /// The names of the lock's VPCs that are not VPCs of `plan`: kept
    /// entries of removed VPCs.
    pub fn removed_from<'a>(&'a self, plan: &Plan) -> Vec<&'a str> {
        self.vpcs.keys().filter(|n| !plan.vpcs.contains_key(*n)).map(String::as_str).collect()
    }

    /// The stored form: pretty JSON, keys sorted, a final newline.
    pub fn render(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
