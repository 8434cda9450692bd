//! The network plans built on the address plan: endpoints, DNS, routing and
//! IAM, then the checks over them: the reachability proof, the quotas and
//! the security warnings. Each planner reads the plans before it; none
//! re-derives what an earlier one decided.

mod bedrock_models;
mod deploy_order;
pub mod dns;
pub mod endpoints;
pub mod explain;
mod flows;
pub mod iam;
pub mod isolation;
mod limits;
pub mod privatelink;
pub mod reachability;
pub mod resources;
pub mod routing;
mod security;
mod shares;
pub mod stacks;
pub mod studio;
pub mod workloads;

pub use limits::Limits;

use crate::cidr::Ipv4Net;
use crate::diagnostic::Finding;
use crate::plan::VpcPlan;
use crate::spec::Topology;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What every planner reads.
pub struct Ctx<'a> {
    pub topo: &'a Topology,
    pub vpcs: &'a BTreeMap<String, VpcPlan>,
    /// The same VPCs hashed by name: the planners look VPCs up per consumer
    /// and per route, where a B-tree's string comparisons add up.
    by_name: HashMap<&'a str, &'a VpcPlan>,
    /// `dns.onPremises.cidrs`, parsed.
    pub on_premises: Vec<Ipv4Net>,
    pub quotas: Limits,
}

impl<'a> Ctx<'a> {
    pub fn new(topo: &'a Topology, vpcs: &'a BTreeMap<String, VpcPlan>) -> Self {
        let on_premises = topo
            .dns
            .as_ref()
            .and_then(|d| d.on_premises.as_ref())
            .map(|o| o.cidrs.iter().filter_map(|c| c.parse().ok()).collect())
            .unwrap_or_default();
        let by_name = vpcs.iter().map(|(k, v)| (k.as_str(), v)).collect();
        Ctx { topo, vpcs, by_name, on_premises, quotas: Limits::new(topo.quotas.as_ref()) }
    }

    pub fn vpc(&self, name: &str) -> Option<&'a VpcPlan> {
        self.by_name.get(name).copied()
    }
}

/// A security group's inbound rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroupPlan {
    pub ingress: Vec<Ingress>,
    /// Set when the consumers did not fit the inbound-rule quota.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix_list: Option<PrefixListPlan>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ingress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr: Option<Ipv4Net>,
    /// The name of a managed prefix list of this plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix_list: Option<String>,
    pub port: u16,
    /// `tcp` or `udp`.
    pub protocol: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrefixListPlan {
    pub name: String,
    pub max_entries: u32,
    pub entries: Vec<Ipv4Net>,
}

/// Everything past the address plan.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Network {
    pub endpoints: Vec<endpoints::EndpointPlan>,
    pub dns: dns::DnsPlan,
    pub routing: routing::RoutingPlan,
    pub iam: iam::IamPlan,
    pub reachability: Vec<reachability::Proof>,
    pub isolation: Vec<isolation::IsolationProof>,
    pub workloads: Vec<workloads::WorkloadPlan>,
    pub privatelink: Vec<privatelink::PrivateLinkPlan>,
    pub studio: Option<studio::StudioPlan>,
    pub stacks: Vec<stacks::StackPlan>,
}

pub fn plan(topo: &Topology, vpcs: &BTreeMap<String, VpcPlan>, out: &mut Vec<Finding>) -> Network {
    let cx = Ctx::new(topo, vpcs);
    let subjects = workloads::subjects(
        topo,
        |v| cx.vpc(v).map(|p| p.region.clone()),
        |v, tier| cx.vpc(v).is_some_and(|p| p.subnets.iter().any(|s| s.tier == *tier)),
    );
    let mut endpoints = endpoints::plan(&cx, &subjects, out);
    let dns = dns::plan(&cx, &mut endpoints, out);
    let routing = routing::plan(&cx);
    bedrock_models::check(&cx, out);
    let iam = iam::plan(&cx, &endpoints);
    let privatelink = privatelink::plan(&cx, out);
    let studio = studio::plan(&cx, &endpoints);
    if let Some(s) = &studio {
        studio::admit_portal_callers(s, &mut endpoints);
    }
    endpoints::publish_referenced(topo, &mut endpoints, &iam, studio.as_ref());
    shares::check(&cx, &dns, &routing, out);
    let inputs = reachability::Inputs {
        endpoints: &endpoints,
        dns: &dns,
        routing: &routing,
        iam: &iam,
        studio: studio.as_ref(),
        privatelink: &privatelink,
        subjects: &subjects,
    };
    let reachability = reachability::prove(&cx, &inputs, out);
    isolation::check_shares(&cx, out);
    let isolation = isolation::prove(&cx, &routing, &endpoints, out);
    limits::check(&cx, &endpoints, &dns, &routing, out);
    security::check(&cx, out);
    let mut stacks = stacks::plan(topo, vpcs, &routing, &dns);
    let counted = resources::Inputs {
        endpoints: &endpoints,
        dns: &dns,
        routing: &routing,
        privatelink: &privatelink,
        studio: studio.as_ref(),
        iam: &iam,
    };
    let counts = resources::count(&cx, &counted, &stacks);
    for s in &mut stacks {
        s.resources = counts.get(&s.name).copied().unwrap_or(0);
    }
    resources::check(&cx, &counted, &stacks, out);
    let order = deploy_order::Inputs {
        routing: &routing,
        dns: &dns,
        privatelink: &privatelink,
        studio: studio.as_ref(),
        iam: &iam,
        endpoints: &endpoints,
    };
    deploy_order::check(&cx, &order, out);
    let workloads = workloads::plans(&subjects);
    Network { endpoints, dns, routing, iam, reachability, isolation, workloads, privatelink, studio, stacks }
}
