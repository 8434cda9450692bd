//! The endpoint plan: per VPC, its interface endpoints (one ENI per AZ in
//! the `endpoints` tier) and gateway endpoints (route-table entries), each
//! interface endpoint with a security group admitting the service's TCP
//! ports (the catalog's: 443; 9142 for Keyspaces, as aws-cdk-lib's
//! KEYSPACES; the SMTP ports for `email-smtp`, per SES's "Connecting to an
//! Amazon SES SMTP endpoint") only from its planned consumers, and an
//! endpoint policy.

use super::workloads::Subject;
use super::{Ctx, Ingress, SecurityGroupPlan};
use crate::catalog::{self, EndpointKind};
use crate::cidr::Ipv4Net;
use crate::cidr::aggregate::aggregate;
use crate::diagnostic::{Finding, Rule};
use crate::policy::{PolicyDocument, Principal, Statement};
use crate::source::Pointer;
use crate::spec::{Admit, DnsMode, EndpointPolicy, Tier};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointPlan {
    /// Stable ID, `<vpc>/<service>`.
    pub id: String,
    pub vpc: String,
    pub account: String,
    pub region: String,
    /// The short name, e.g. `sts`.
    pub service: String,
    /// e.g. `com.amazonaws.us-east-1.sts`.
    pub service_name: String,
    #[serde(rename = "type")]
    pub kind: EndpointKind,
    /// On for local endpoints; off for hub endpoints whose names are served
    /// to other VPCs by the DNS plan.
    pub private_dns: bool,
    /// Interface endpoints: the `endpoints` tier subnets, one per AZ.
    pub subnets: Vec<Ipv4Net>,
    /// Gateway endpoints: the tiers whose route tables get the entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub route_table_tiers: Vec<Tier>,
    /// Interface endpoints only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_group: Option<SecurityGroupPlan>,
    /// The endpoint policy.
    pub policy: PolicyDocument,
    /// VPCs this hub endpoint serves besides its own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shared_with: Vec<String>,
    /// The SSM parameter its deployed ID (`vpce-…`) is published under,
    /// when a policy or API of another stack names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_parameter: Option<String>,
}

/// Gives the endpoints other stacks name (in `aws:SourceVpce` conditions,
/// as the private API's endpoint) the parameter their IDs are published under.
pub fn publish_referenced(
    topo: &crate::spec::Topology,
    endpoints: &mut [EndpointPlan],
    iam: &super::iam::IamPlan,
    studio: Option<&super::studio::StudioPlan>,
) {
    let mut named: std::collections::BTreeSet<&str> =
        iam.roles.iter().flat_map(|r| r.source_vpce.iter().map(String::as_str)).collect();
    named.extend(studio.and_then(|s| s.portal.api_endpoint.as_deref()));
    for e in endpoints.iter_mut().filter(|e| named.contains(e.id.as_str())) {
        e.id_parameter = Some(super::stacks::parameter(topo, &["endpoint", &e.id, "id"]));
    }
}

impl EndpointPlan {
    /// The ID of a VPC's endpoint for a service: `<vpc>/<service>`.
    pub fn id_of(vpc: &str, service: &str) -> String {
        format!("{vpc}/{service}")
    }
}

/// The addresses an endpoint's security group admits from VPC `v`: the
/// tier subnets of its workloads that need `service` in `region`, or the
/// whole VPC when asked (`admit: vpcs`) or when it declares no workloads;
/// nothing from a VPC that holds endpoints only.
fn consumers_in(
    cx: &Ctx<'_>,
    by_vpc: &HashMap<&str, Vec<&Subject>>,
    v: &str,
    service: &str,
    region: &str,
    admit: Admit,
) -> Vec<Ipv4Net> {
    let Some(vpc) = cx.vpc(v) else { return Vec::new() };
    let here: &[&Subject] = by_vpc.get(v).map_or(&[], Vec::as_slice);
    // a VPC of endpoints (and transit) subnets only, such as a hub that runs
    // nothing, has no callers
    if vpc.subnets.iter().all(|s| matches!(s.tier, Tier::Endpoints | Tier::Transit)) {
        return Vec::new();
    }
    if admit == Admit::Vpcs || here.is_empty() {
        return vec![vpc.cidr];
    }
    let tiers: Vec<&Tier> = here.iter().filter(|s| s.needs(service, region)).filter_map(|s| s.tier()).collect();
    vpc.subnets.iter().filter(|s| tiers.contains(&&s.tier)).map(|s| s.cidr).collect()
}

pub fn plan(cx: &Ctx<'_>, subjects: &[Subject], out: &mut Vec<Finding>) -> Vec<EndpointPlan> {
    let mut plans = Vec::new();
    // the workloads of each VPC, indexed once (scanning them per consumer of
    // every endpoint was quadratic in the VPCs)
    let mut by_vpc: HashMap<&str, Vec<&Subject>> = HashMap::new();
    for s in subjects {
        if let Some(v) = s.vpc() {
            by_vpc.entry(v).or_default().push(s);
        }
    }
    for (i, g) in cx.topo.endpoints.iter().enumerate() {
        let gp = Pointer::root().key("endpoints").index(i);
        let Some(vpc) = cx.vpc(&g.vpc) else { continue };
        if !g.share.is_empty() && cx.topo.dns.is_none() {
            out.push(
                Finding::at(Rule::Lp038, &gp.key("share"), format!("endpoints of VPC `{}` are shared, but `dns.mode` is not set", g.vpc))
                    .hint("add `dns: { mode: profile }` (or `association`, `resolver`) so consumer VPCs resolve the hub's names"),
            );
        }
        for (j, short) in g.services.iter().enumerate() {
            let sp = gp.key("services").index(j);
            let Some(service) = catalog::service(short) else { continue };
            if !service.offered_in(&vpc.region) {
                out.push(
                    Finding::at(Rule::Lp030, &sp, format!("service `{short}` is not offered in {}", vpc.region)).hint(
                        format!(
                            "it is offered in {}",
                            crate::suggest::list(service.regions.unwrap_or_default().iter().copied(), 8)
                        ),
                    ),
                );
                continue;
            }
            if service.kind == EndpointKind::Gateway && !g.share.is_empty() {
                let hint = match service.interface_form() {
                    Some(i) => format!(
                        "list `{}` instead, its interface endpoint, which a hub can share; or list `{short}` in an endpoints entry of each VPC that needs it, without `share`",
                        i.short
                    ),
                    None => "list it in an endpoints entry of each VPC that needs it, without `share`".to_owned(),
                };
                out.push(
                    Finding::at(
                        Rule::Lp034,
                        &sp,
                        format!("`{short}` is a gateway endpoint; it cannot serve other VPCs than `{}`", g.vpc),
                    )
                    .hint(hint),
                );
            }
            let shared_with: Vec<String> = g.share.iter().filter(|s| cx.vpcs.contains_key(*s)).cloned().collect();
            let security_group = (service.kind == EndpointKind::Interface).then(|| {
                let admit = g.admit.unwrap_or(Admit::Needs);
                let mut consumers: Vec<Ipv4Net> = std::iter::once(&g.vpc)
                    .chain(&shared_with)
                    .flat_map(|v| consumers_in(cx, &by_vpc, v, short, &vpc.region, admit))
                    .collect();
                if !shared_with.is_empty() && cx.topo.dns.as_ref().is_some_and(|d| d.mode == DnsMode::Resolver) {
                    consumers.extend(cx.on_premises.iter().copied());
                }
                security_group_ports(
                    &format!("{}-{}", g.vpc, short),
                    &consumers,
                    service.ports,
                    cx.quotas.security_group_inbound_rules,
                )
            });
            let subnets = if service.kind == EndpointKind::Interface {
                vpc.subnets.iter().filter(|s| s.tier == Tier::Endpoints).map(|s| s.cidr).collect()
            } else {
                Vec::new()
            };
            let route_table_tiers = if service.kind == EndpointKind::Gateway {
                let mut tiers: Vec<Tier> =
                    vpc.subnets.iter().map(|s| s.tier.clone()).filter(|t| *t != Tier::Transit).collect();
                tiers.dedup();
                tiers
            } else {
                Vec::new()
            };
            let policy = policy(cx, g.policy, &gp.key("policy"), out);
            plans.push(EndpointPlan {
                id: EndpointPlan::id_of(&g.vpc, short),
                vpc: g.vpc.clone(),
                account: vpc.account.clone(),
                region: vpc.region.clone(),
                service: (*short).clone(),
                service_name: service.service_name(&vpc.region),
                kind: service.kind,
                private_dns: shared_with.is_empty() && service.has_dns(),
                subnets,
                route_table_tiers,
                security_group,
                policy,
                shared_with,
                id_parameter: None,
            });
        }
    }
    plans.sort_by(|a, b| a.id.cmp(&b.id));
    plans
}

/// A security group admitting `port` from exactly `consumers`, aggregated;
/// past the inbound-rule quota the CIDRs go into a managed prefix list.
pub fn security_group(name: &str, consumers: &[Ipv4Net], port: u16, rule_quota: u32) -> SecurityGroupPlan {
    security_group_ports(name, consumers, &[port], rule_quota)
}

/// A security group admitting each of `ports` from exactly `consumers`
/// (one rule per CIDR and port, as AWS counts them against the quota);
/// past the inbound-rule quota the CIDRs go into a managed prefix list,
/// one rule per port.
pub fn security_group_ports(name: &str, consumers: &[Ipv4Net], ports: &[u16], rule_quota: u32) -> SecurityGroupPlan {
    let cidrs = aggregate(consumers);
    let rules = cidrs.len().saturating_mul(ports.len());
    if rules > usize::try_from(rule_quota).unwrap_or(usize::MAX) {
        let list = format!("{name}-consumers");
        return SecurityGroupPlan {
            ingress: ports
                .iter()
                .map(|&port| Ingress { cidr: None, prefix_list: Some(list.clone()), port, protocol: "tcp".into() })
                .collect(),
            prefix_list: Some(super::PrefixListPlan {
                name: list,
                max_entries: u32::try_from(cidrs.len()).unwrap_or(u32::MAX),
                entries: cidrs,
            }),
        };
    }
    SecurityGroupPlan {
        ingress: cidrs
            .into_iter()
            .flat_map(|c| {
                ports.iter().map(move |&port| Ingress {
                    cidr: Some(c),
                    prefix_list: None,
                    port,
                    protocol: "tcp".into(),
                })
            })
            .collect(),
        prefix_list: None,
    }
}

fn policy(cx: &Ctx<'_>, asked: Option<EndpointPolicy>, at: &Pointer, out: &mut Vec<Finding>) -> PolicyDocument {
    let org = cx.topo.organization.as_ref().map(|o| o.id.clone());
    let kind = asked.unwrap_or(if org.is_some() { EndpointPolicy::Organization } else { EndpointPolicy::Accounts });
    match (kind, org) {
        (EndpointPolicy::Organization, Some(org)) => {
            principals_only("OrganizationPrincipalsOnly", "aws:PrincipalOrgID", vec![org])
        }
        (EndpointPolicy::Organization, None) => {
            out.push(
                Finding::at(Rule::Lp015, at, "endpoint policy `organization` needs `organization.id`")
                    .hint("add `organization: { id: o-… }`, or use `policy: accounts`"),
            );
            PolicyDocument::default()
        }
        (EndpointPolicy::Accounts, _) => {
            let ids: Vec<String> = cx.topo.accounts.values().map(|a| a.id.clone()).collect();
            principals_only("TopologyAccountsOnly", "aws:PrincipalAccount", ids)
        }
        (EndpointPolicy::FullAccess, _) => {
            out.push(
                Finding::at(Rule::Lp050, at, "endpoint policy `full-access` admits any principal of any account")
                    .hint("use `organization` or `accounts` unless callers outside the topology need this endpoint"),
            );
            PolicyDocument::new(vec![
                Statement::allow("FullAccess", &["*"], vec!["*".into()]).principal(Principal::any()),
            ])
        }
    }
}

/// An endpoint policy allowing everything, but only to principals whose
/// `key` condition equals one of `values`.
fn principals_only(sid: &str, key: &str, values: Vec<String>) -> PolicyDocument {
    PolicyDocument::new(vec![Statement::allow(sid, &["*"], vec!["*".into()]).principal(Principal::any()).when(
        "StringEquals",
        key,
        values,
    )])
}
