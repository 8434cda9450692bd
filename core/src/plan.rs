//! The plan: what the planners decided, as the versioned JSON that
//! `plan show --format json` prints and the CDK library reads.

use crate::cidr::Net;
use crate::network::dns::DnsPlan;
use crate::network::endpoints::EndpointPlan;
use crate::network::iam::IamPlan;
use crate::network::privatelink::PrivateLinkPlan;
use crate::network::reachability::Proof;
use crate::network::routing::RoutingPlan;
use crate::network::studio::StudioPlan;
use schemars::JsonSchema;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

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
    /// Every VPC by name, with its address and subnets.
    pub vpcs: BTreeMap<String, VpcPlan>,
    pub endpoints: Vec<EndpointPlan>,
    pub dns: DnsPlan,
    pub routing: RoutingPlan,
    pub iam: IamPlan,
    /// A verdict and a path for every `workloads[].needs` entry.
    pub reachability: Vec<Proof>,
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
    pub cidr: Net,
    /// Whether the CIDR was given (`fixed`) or allocated from a pool (`pool`).
    pub source: AddressSource,
    /// True when the CIDR comes from the lock file.
    pub locked: bool,
    pub azs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    pub subnets: Vec<SubnetPlan>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AddressSource {
    Fixed,
    Pool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SubnetPlan {
    pub tier: String,
    /// The AZ ID.
    pub az: String,
    pub cidr: Net,
}

impl JsonSchema for Net {
    fn schema_name() -> Cow<'static, str> {
        "Ipv4Cidr".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A canonical IPv4 CIDR, e.g. 10.0.0.0/16",
            "pattern": r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$"
        })
    }
}

/// The JSON Schema of the plan.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Plan)).unwrap_or_default()
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
            out.push_str(&format!(
                "\n{name}  {}  account {} ({})  {}  [{source}{lock}]\n",
                v.cidr, v.account, v.account_id, v.region
            ));
            out.push_str(&format!("  {:<12} {:<12} {:<18} {:>9}\n", "tier", "az", "cidr", "usable"));
            for s in &v.subnets {
                let usable = s.cidr.size().saturating_sub(crate::cidr::subnets::AWS_RESERVED);
                out.push_str(&format!("  {:<12} {:<12} {:<18} {:>9}\n", s.tier, s.az, s.cidr.to_string(), usable));
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
            out.push_str(&format!(
                "
privatelink {}  producer {} port {} (internal NLB, {acceptance})  consumers {}
",
                s.name,
                s.producer.vpc,
                s.producer.port,
                if consumers.is_empty() { "(none)".to_owned() } else { consumers.join(", ") }
            ));
        }
        if !self.reachability.is_empty() {
            out.push_str("\nreachability\n");
            for p in &self.reachability {
                let verdict = if p.ok { "ok" } else { "FAILS" };
                out.push_str(&format!("  {:<6} {} needs {} in {}\n", verdict, p.workload, p.service, p.region));
            }
        }
        out
    }
}
