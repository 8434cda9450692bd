//! Which VPCs can route to each other: through the transit (within a
//! segment, to hubs, or between segments `transit.segments` allows) or as
//! a hub and a VPC it shares endpoints with. Overlapping CIDRs are refused
//! only between VPCs that can route to each other.
//!
//! This runs before addresses exist, so it is computed from the spec; the
//! routing plan (`network::routing`) later builds the actual route tables.
//! It is deliberately the wider of the two (any hub counts as linked to every
//! attached VPC), so an overlap the route tables could carry is never missed.

use crate::spec::Topology;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
pub struct Connectivity {
    /// Attached VPC → its segment.
    attached: BTreeMap<String, String>,
    hubs: BTreeSet<String>,
    /// Hub ↔ consumer pairs, both orders.
    shares: BTreeSet<(String, String)>,
    /// Segment pairs that may reach each other, both orders.
    reaches: BTreeSet<(String, String)>,
}

impl Connectivity {
    pub fn new(topo: &Topology) -> Self {
        let mut c = Self::default();
        if let Some(t) = &topo.transit {
            for name in &t.attach {
                let seg = topo.segment_of(name).to_owned();
                c.attached.insert(name.clone(), seg);
            }
            for (from, policy) in t.segments.iter().flatten() {
                for to in &policy.reaches {
                    c.reaches.insert((from.clone(), to.clone()));
                    c.reaches.insert((to.clone(), from.clone()));
                }
            }
        }
        for (hub, consumers) in topo.hub_consumers() {
            c.hubs.insert(hub.to_owned());
            for s in consumers {
                c.shares.insert((hub.to_owned(), s.to_owned()));
                c.shares.insert((s.to_owned(), hub.to_owned()));
            }
        }
        c
    }

    /// Why `a` and `b` can route to each other, or `None` when they cannot.
    pub fn link(&self, a: &str, b: &str) -> Option<&'static str> {
        if self.shares.contains(&(a.to_owned(), b.to_owned())) {
            return Some("one is a hub that shares endpoints with the other");
        }
        let (sa, sb) = (self.attached.get(a)?, self.attached.get(b)?);
        if self.hubs.contains(a) || self.hubs.contains(b) {
            return Some("both are attached to the transit and one is a hub");
        }
        if sa == sb {
            return Some("both are attached to the transit in one segment");
        }
        self.reaches
            .contains(&(sa.clone(), sb.clone()))
            .then_some("both are attached to the transit and their segments reach each other")
    }
}
