//! Which account × region pairs a plan lives in.

use linkplan_core::Plan;
use std::collections::BTreeSet;

/// One account and region to read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    /// The account's name in the topology.
    pub account: String,
    pub account_id: String,
    pub region: String,
}

impl Target {
    /// `account ml (111111111111), us-east-1`: how messages name it.
    pub fn describe(&self) -> String {
        format!("account {} ({}), {}", self.account, self.account_id, self.region)
    }
}

/// Every account × region holding a planned VPC or transit gateway, sorted.
pub fn of(plan: &Plan) -> Vec<Target> {
    let mut pairs: BTreeSet<(String, String)> =
        plan.vpcs.values().map(|v| (v.account.clone(), v.region.clone())).collect();
    pairs.extend(plan.routing.transit_gateways.iter().map(|t| (t.account.clone(), t.region.clone())));
    pairs
        .into_iter()
        .map(|(account, region)| Target {
            account_id: plan.accounts.get(&account).cloned().unwrap_or_default(),
            account,
            region,
        })
        .collect()
}
