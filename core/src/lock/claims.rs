//! Which lock entry each VPC of the topology holds: the entry of its own
//! name, or after a rename the entry its `was:` names. Entries no VPC holds
//! belong to VPCs that left the topology; they are reported until released
//! or pruned, and one that looks like a VPC renamed without `was:` is
//! reported with the `was:` that would keep it.

use super::{LockedAllocation, ParsedLock};
use crate::cidr::Ipv4Net;
use crate::diagnostic::{Finding, Rule};
use crate::source::Pointer;
use crate::spec::Topology;
use crate::validate::{Facts, VpcFacts};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The lock entries the topology's VPCs hold.
#[derive(Clone, Debug, Default)]
pub struct Claims {
    /// VPC name → the lock key of the entry it holds.
    by_vpc: BTreeMap<String, String>,
    /// The lock keys some VPC holds.
    held: BTreeSet<String>,
}

impl Claims {
    /// The lock key of the entry VPC `vpc` holds, when it holds one.
    pub fn entry_of(&self, vpc: &str) -> Option<&str> {
        self.by_vpc.get(vpc).map(String::as_str)
    }

    /// True when a VPC of the topology holds the lock entry `key`.
    pub fn is_claimed(&self, key: &str) -> bool {
        self.held.contains(key)
    }

    /// The name VPC `vpc` was locked under, when it holds another name's
    /// entry (a rename through `was:`).
    pub fn renamed_from(&self, vpc: &str) -> Option<&str> {
        self.entry_of(vpc).filter(|key| *key != vpc)
    }
}

/// Decides which entry each VPC holds. A `was:` naming a VPC still in the
/// topology, or named by two VPCs, is LP011: one allocation cannot be two
/// VPCs'.
pub fn claim(topo: &Topology, lock: Option<&ParsedLock>, out: &mut Vec<Finding>) -> Claims {
    let mut claims = Claims::default();
    let mut was_of: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, vpc) in &topo.vpcs {
        let Some(old) = vpc.was.as_deref() else { continue };
        let at = Pointer::root().key("vpcs").key(name).key("was");
        if topo.vpcs.contains_key(old) {
            out.push(
                Finding::at(
                    Rule::Lp011,
                    &at,
                    format!("VPC `{name}` says `was: {old}`, but `{old}` is still a VPC of the topology"),
                )
                .hint(format!(
                    "a VPC has one name at a time: remove `{old}` when renaming it to `{name}`, or drop `was:`"
                )),
            );
            continue;
        }
        match was_of.get(old) {
            Some(first) => out.push(
                Finding::at(
                    Rule::Lp011,
                    &at,
                    format!("VPCs `{first}` and `{name}` both say `was: {old}`; one locked VPC cannot become two"),
                )
                .hint(format!("keep `was: {old}` on the VPC that is `{old}` renamed")),
            ),
            None => {
                was_of.insert(old, name);
            }
        }
    }
    let Some(lock) = lock else { return claims };
    for (name, vpc) in &topo.vpcs {
        let key = if lock.vpcs.contains_key(name) {
            Some(name.as_str())
        } else {
            vpc.was
                .as_deref()
                .filter(|old| was_of.get(old) == Some(&name.as_str()) && !topo.vpcs.contains_key(*old))
                .filter(|old| lock.vpcs.contains_key(*old))
        };
        if let Some(key) = key {
            claims.by_vpc.insert(name.clone(), key.to_owned());
            claims.held.insert(key.to_owned());
        }
    }
    claims
}

/// The lock entries no VPC holds, reported: LP029 where a VPC not in the
/// lock has the same account, region and shape (a rename without `was:`),
/// LP028 for the others. Returns the VPCs that got an LP029, so that they
/// get no LP027 as well (one finding per cause).
pub fn report_unclaimed<'a>(
    facts: &Facts<'a>,
    lock: &ParsedLock,
    claims: &Claims,
    topology_file: &str,
    out: &mut Vec<Finding>,
) -> BTreeSet<&'a str> {
    let mut suggested = BTreeSet::new();
    // the VPCs not in the lock, by shape: a topology whose every VPC was
    // renamed finds each entry's twin by one lookup, not a scan
    let mut unlocked: BTreeMap<Shape<'_>, VecDeque<&VpcFacts<'a>>> = BTreeMap::new();
    for v in facts.vpcs.values().filter(|v| v.plannable && claims.entry_of(v.name).is_none()) {
        if let Some(shape) = Shape::of_vpc(v) {
            unlocked.entry(shape).or_default().push_back(v);
        }
    }
    for (old, entry) in lock.vpcs.iter().filter(|(key, _)| !claims.is_claimed(key)) {
        let twin =
            Shape::of_entry(entry).into_iter().find_map(|shape| unlocked.get_mut(&shape).and_then(VecDeque::pop_front));
        if let Some(new) = twin {
            suggested.insert(new.name);
            out.push(rename_without_was(new, old, entry, topology_file));
        } else {
            out.push(removed(old, entry, topology_file));
        }
    }
    suggested
}

/// What a rename keeps: the account ID, region, address (a fixed CIDR, or
/// the size of a pool allocation) and AZ IDs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Shape<'a> {
    account: &'a str,
    region: &'a str,
    address: Address,
    azs: Vec<&'a str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Address {
    Fixed(Ipv4Net),
    Size(u8),
}

impl<'a> Shape<'a> {
    fn of_vpc(vpc: &'a VpcFacts<'_>) -> Option<Self> {
        let address = match (vpc.fixed, vpc.spec.size) {
            (Some(fixed), _) => Address::Fixed(fixed),
            (None, Some(size)) => Address::Size(u8::try_from(size).ok()?),
            (None, None) => return None,
        };
        let azs: BTreeSet<&str> = vpc.azs.iter().map(String::as_str).collect();
        Some(Self { account: vpc.account_id?, region: &vpc.spec.region, address, azs: azs.into_iter().collect() })
    }

    /// The shapes a VPC renamed from this entry can have: its CIDR fixed,
    /// or its size from a pool. An entry that does not record its account
    /// or region (an older lock), or holds no subnets to tell its AZs, has
    /// none: a guess would be worse than no suggestion.
    fn of_entry(entry: &'a LockedAllocation) -> Vec<Self> {
        let (Some(account), Some(region)) = (entry.account.as_deref(), entry.region.as_deref()) else {
            return Vec::new();
        };
        if entry.subnets.is_empty() {
            return Vec::new();
        }
        let azs = entry.azs();
        [Address::Fixed(entry.cidr), Address::Size(entry.cidr.prefix())]
            .into_iter()
            .map(|address| Self { account, region, address, azs: azs.clone() })
            .collect()
    }
}

fn rename_without_was(new: &VpcFacts<'_>, old: &str, entry: &LockedAllocation, file: &str) -> Finding {
    let name = new.name;
    Finding::at_key(
        Rule::Lp029,
        &new.path,
        format!(
            "VPC `{name}` is not in the lock, and the locked VPC `{old}` ({}) is no longer in the topology; they have the same account, region, {} and AZs",
            entry.cidr,
            if new.fixed.is_some() { "CIDR".to_owned() } else { format!("size /{}", entry.cidr.prefix()) },
        ),
    )
    .hint(format!(
        "if `{name}` is `{old}` renamed, add `was: {old}` to `{name}`: it keeps `{old}`'s CIDR, subnets and CloudFormation logical IDs; without it `{name}` is a new VPC, and `{old}`'s range stays taken until `plan lock {file} --release {old}`"
    ))
}

fn removed(old: &str, entry: &LockedAllocation, file: &str) -> Finding {
    Finding::at_key(
        Rule::Lp028,
        &Pointer::root().key("vpcs").key(old),
        format!("the lock holds VPC `{old}` ({}), which is no longer in the topology", entry.summary()),
    )
    .in_lock()
    .hint(format!(
        "its range stays taken while it is locked, as it may still be deployed; once its stacks are deleted, `plan lock {file} --release {old}` frees it (`--prune` frees every VPC and subnet that left the topology)"
    ))
}
