//! The plan: what the planners decided, as the versioned JSON that
//! `plan show --format json` prints and the CDK library reads.

use crate::cidr::Ipv4Net;
use crate::network::dns::DnsPlan;
use crate::network::endpoints::EndpointPlan;
use crate::network::iam::IamPlan;
use crate::network::isolation::IsolationStatus;
use crate::network::privatelink::PrivateLinkPlan;
use crate::network::reachability::{Proof, ProofStatus};
use crate::network::routing::RoutingPlan;
use crate::network::stacks::{StackPlan, StackRole, VpcRole};
use crate::network::studio::StudioPlan;
use crate::spec::Tier;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The plan format's version; bumped on any incompatible change.
pub const PLAN_VERSION: &str = "linkplan.plan/v1alpha1";

#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(title = "Linkplan plan (linkplan.plan/v1alpha1)")]
pub struct Plan {
    pub version: String,
    /// The topology's name.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Account name → account ID.
    pub accounts: BTreeMap<String, String>,
    /// Every stack the CDK app creates, by name.
    pub stacks: Vec<StackPlan>,
    /// Every VPC by name, with its address and subnets.
    pub vpcs: BTreeMap<String, VpcPlan>,
    pub endpoints: Vec<EndpointPlan>,
    pub dns: DnsPlan,
    pub routing: RoutingPlan,
    pub iam: IamPlan,
    /// A verdict and a path for every `workloads[].needs` entry.
    pub reachability: Vec<Proof>,
    /// The isolation proofs: segments that must not reach each other, and
    /// the `isolation:` assertions.
    pub isolation: Vec<crate::network::isolation::IsolationProof>,
    /// The workloads `workloads:` lists in VPCs, with their needs.
    pub workloads: Vec<crate::network::workloads::WorkloadPlan>,
    /// The topology's own PrivateLink services.
    pub privatelink: Vec<PrivateLinkPlan>,
    /// SageMaker Studio across accounts: the portal and the domains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub studio: Option<StudioPlan>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpcPlan {
    /// The account name.
    pub account: String,
    pub account_id: String,
    pub region: String,
    pub cidr: Ipv4Net,
    /// Whether the CIDR was given (`fixed`) or allocated from a pool (`pool`).
    pub source: AddressSource,
    /// True when the CIDR comes from the lock file.
    pub locked: bool,
    pub azs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    pub subnets: Vec<SubnetPlan>,
    /// What the VPC is for besides running workloads.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<VpcRole>,
    /// The stack that builds it (`stacks[].name`).
    pub stack: String,
    #[serde(skip)]
    pub stack_role: StackRole,
    /// The SSM parameter its VPC ID is published under.
    pub id_parameter: String,
    /// The name of its Route 53 Resolver query log configuration.
    pub query_log_config_name: String,
    /// The ID to build the VPC's constructs under, when it is not the VPC's
    /// name: a VPC renamed with `was:` keeps the name its CloudFormation
    /// resources were created under, so their logical IDs do not change
    /// and the deployed VPC is not replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub construct_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AddressSource {
    Fixed,
    Pool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SubnetPlan {
    pub tier: Tier,
    /// The AZ ID.
    pub az: String,
    pub cidr: Ipv4Net,
}

/// The JSON Schema of the plan.
///
/// An optional field of the plan is left out when it has no value, never
/// written as `null` (a test holds the examples' plans to it), so the schema
/// says so: optional, not nullable. The TypeScript types are generated from it.
pub fn json_schema() -> serde_json::Value {
    // the plan is written, never read: its schema is the serializer's (a
    // field skipped when empty is optional)
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.contract = schemars::generate::Contract::Serialize)
        .with_transform(not_nullable as fn(&mut schemars::Schema))
        .into_generator();
    serde_json::to_value(generator.into_root_schema_for::<Plan>()).unwrap_or_default()
}

/// Removes `null` from every schema's types: schemars writes an `Option`
/// as nullable, which the plan's optional fields are not.
fn not_nullable(schema: &mut schemars::Schema) {
    if let Some(serde_json::Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            schema.insert("type".into(), only);
        }
    }
    if let Some(serde_json::Value::Array(any)) = schema.get_mut("anyOf") {
        any.retain(|a| a.get("type").is_none_or(|t| t != "null"));
        if let [only] = any.as_slice() {
            let only = only.clone();
            schema.remove("anyOf");
            if let serde_json::Value::Object(m) = only {
                for (k, v) in m {
                    schema.insert(k, v);
                }
            }
        }
    }
    schemars::transform::transform_subschemas(&mut not_nullable, schema);
}

impl Plan {
    /// The plan as a table: one line per subnet under its VPC.
    pub fn to_text(&self) -> String {
        let mut out = format!("plan {} ({} VPCs)\n", self.name, self.vpcs.len());
        for (name, v) in &self.vpcs {
            let lock = if v.locked { ", locked" } else { "" };
            let source = match v.source {
                AddressSource::Fixed => "fixed",
                AddressSource::Pool => "pool",
            };
            let _ = write!(
                out,
                "\n{name}  {}  account {} ({})  {}  [{source}{lock}]\n",
                v.cidr, v.account, v.account_id, v.region
            );
            let _ = writeln!(out, "  {:<12} {:<12} {:<18} {:>9}", "tier", "az", "cidr", "usable");
            for s in &v.subnets {
                let usable = s.cidr.size().saturating_sub(crate::cidr::subnets::AWS_RESERVED);
                let _ =
                    writeln!(out, "  {:<12} {:<12} {:<18} {:>9}", s.tier.to_string(), s.az, s.cidr.to_string(), usable);
            }
        }
        if !self.endpoints.is_empty() {
            out.push_str("\nendpoints\n");
            for e in &self.endpoints {
                let dns = if e.private_dns { "private DNS" } else { "served by the hub's zones" };
                let shared = if e.shared_with.is_empty() {
                    String::new()
                } else {
                    format!(", shared with {}", e.shared_with.join(", "))
                };
                out.push_str(
                    &format!("  {:<28} {:?} {}{shared}\n", e.id, e.kind, dns)
                        .replace("Interface", "interface,")
                        .replace("Gateway", "gateway,"),
                );
            }
        }
        for s in &self.privatelink {
            let consumers: Vec<&str> = s.consumers.iter().map(|c| c.vpc.as_str()).collect();
            let acceptance = if s.acceptance_required { "acceptance required" } else { "no acceptance" };
            let _ = write!(
                out,
                "
privatelink {}  producer {} port {} (internal NLB, {acceptance})  consumers {}
",
                s.name,
                s.producer.vpc,
                s.producer.port,
                if consumers.is_empty() { "(none)".to_owned() } else { consumers.join(", ") }
            );
        }
        out.push_str(&self.routing.to_text());
        out.push_str(&self.dns.to_text());
        if !self.reachability.is_empty() {
            out.push_str("\nreachability\n");
            for p in &self.reachability {
                let verdict = match p.status {
                    ProofStatus::Ok => "ok",
                    ProofStatus::Refused => "FAILS",
                    ProofStatus::Unknown => "UNKNOWN",
                    ProofStatus::Unproved => "UNPROVED",
                };
                if p.hops.is_empty() {
                    let _ = writeln!(out, "  {verdict:<8} {} needs {} in {}", p.workload, p.service, p.region);
                } else {
                    let _ = writeln!(out, "  {verdict:<8} {} {} ({} hops)", p.workload, p.need, p.hops.len());
                }
            }
        }
        if !self.isolation.is_empty() {
            out.push_str("\nisolation\n");
            for p in &self.isolation {
                let verdict = match p.status {
                    IsolationStatus::Isolated => "isolated",
                    IsolationStatus::Violated => "REACHES",
                };
                let to = p.service.as_ref().map_or(p.to.clone(), |s| format!("{s} in {}", p.to));
                let excepted = if p.exceptions.is_empty() {
                    String::new()
                } else {
                    format!(" ({} exceptions)", p.exceptions.len())
                };
                let _ = writeln!(out, "  {verdict:<8} {} and {to}{excepted}", p.from);
            }
        }
        out
    }
}
