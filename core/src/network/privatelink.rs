//! PrivateLink services of the topology's own (`privatelink[]`): the
//! producer's internal NLB and endpoint service, and an interface endpoint
//! in each consumer VPC. Consumers must be in the producer's region (unless
//! `crossRegion` asks for cross-region PrivateLink) and in AZs the
//! producer's NLB covers: an endpoint can only be placed where the service
//! has a load balancer node.

use super::{Ctx, SecurityGroupPlan, endpoints::security_group};
use crate::cidr::Ipv4Net;
use crate::diagnostic::{Finding, Rule};
use crate::source::Pointer;
use crate::spec::Tier;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeSet;

/// The tier the NLB and the consumer endpoints sit in.
const PRODUCER_TIER: Tier = Tier::Workload;
const CONSUMER_TIER: Tier = Tier::Endpoints;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrivateLinkPlan {
    pub name: String,
    pub producer: ProducerPlan,
    pub acceptance_required: bool,
    /// The consumer accounts' roots, the only principals allowed to connect.
    pub allowed_principals: Vec<String>,
    /// Regions the service accepts consumers from besides its own (cross-region PrivateLink).
    pub supported_regions: Vec<String>,
    pub consumers: Vec<ConsumerPlan>,
    /// The SSM parameter the endpoint service's name is published under.
    pub service_name_parameter: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProducerPlan {
    pub vpc: String,
    pub account: String,
    pub region: String,
    pub port: u16,
    /// The NLB's subnets (the producer VPC's workload tier), one per AZ.
    pub subnets: Vec<Ipv4Net>,
    pub azs: Vec<String>,
    /// Who may reach the NLB's listener: the producer VPC (PrivateLink
    /// traffic arrives from the NLB's own addresses).
    pub security_group: SecurityGroupPlan,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerPlan {
    /// `<service>/<consumer vpc>`.
    pub id: String,
    pub vpc: String,
    pub account: String,
    pub region: String,
    /// The endpoint's subnets: the consumer's endpoint tier in the AZs the producer covers.
    pub subnets: Vec<Ipv4Net>,
    /// Private DNS stays off: the service has no verified private DNS name.
    pub private_dns: bool,
    /// The consumer VPC's workload subnets, on the service port.
    pub security_group: SecurityGroupPlan,
}

pub fn plan(cx: &Ctx<'_>, out: &mut Vec<Finding>) -> Vec<PrivateLinkPlan> {
    let mut plans = Vec::new();
    for (i, pl) in cx.topo.privatelink.iter().enumerate() {
        let at = Pointer::root().key("privatelink").index(i);
        let Some(pv) = cx.vpc(&pl.producer.vpc) else { continue };
        let port = u16::try_from(pl.producer.port).unwrap_or(443);
        let producer_azs: BTreeSet<&str> = pv.azs.iter().map(String::as_str).collect();
        let mut consumers = Vec::new();
        let mut principals = BTreeSet::new();
        let mut regions = BTreeSet::new();
        for (j, name) in pl.consumers.iter().enumerate() {
            let Some(cv) = cx.vpc(name) else { continue };
            let here = at.key("consumers").index(j);
            if cv.region != pv.region {
                if !pl.cross_region {
                    out.push(
                        Finding::at(Rule::Lp037, &here, format!("consumer `{name}` is in {}, but service `{}` is produced in {}", cv.region, pl.name, pv.region))
                            .hint("put the consumer in the producer's region, or set `crossRegion: true` for cross-region PrivateLink"),
                    );
                    continue;
                }
                regions.insert(cv.region.clone());
            }
            let uncovered: Vec<&String> =
                cv.azs.iter().filter(|z| cv.region == pv.region && !producer_azs.contains(z.as_str())).collect();
            for az in &uncovered {
                out.push(
                    Finding::at(
                        Rule::Lp030,
                        &here,
                        format!(
                            "service `{}` has no load balancer in {az}, an AZ of consumer `{name}`; expected one of {}",
                            pl.name,
                            pv.azs.join(", ")
                        ),
                    )
                    .hint(format!("add {az} to `{}`'s azs, or remove it from `{name}`'s", pl.producer.vpc)),
                );
            }
            if !uncovered.is_empty() {
                continue;
            }
            principals.insert(format!("arn:aws:iam::{}:root", cv.account_id));
            let workload: Vec<Ipv4Net> =
                cv.subnets.iter().filter(|s| s.tier == PRODUCER_TIER).map(|s| s.cidr).collect();
            consumers.push(ConsumerPlan {
                id: format!("{}/{name}", pl.name),
                vpc: name.clone(),
                account: cv.account.clone(),
                region: cv.region.clone(),
                subnets: cv.subnets.iter().filter(|s| s.tier == CONSUMER_TIER).map(|s| s.cidr).collect(),
                private_dns: false,
                security_group: security_group(
                    &format!("{}-{name}", pl.name),
                    &workload,
                    port,
                    cx.quotas.security_group_inbound_rules,
                ),
            });
        }
        plans.push(PrivateLinkPlan {
            name: pl.name.clone(),
            producer: ProducerPlan {
                vpc: pl.producer.vpc.clone(),
                account: pv.account.clone(),
                region: pv.region.clone(),
                port,
                subnets: pv.subnets.iter().filter(|s| s.tier == PRODUCER_TIER).map(|s| s.cidr).collect(),
                azs: pv.azs.clone(),
                security_group: security_group(&pl.name, &[pv.cidr], port, cx.quotas.security_group_inbound_rules),
            },
            acceptance_required: pl.acceptance_required,
            allowed_principals: principals.into_iter().collect(),
            supported_regions: regions.into_iter().collect(),
            consumers,
            service_name_parameter: super::stacks::parameter(cx.topo, &["privatelink", &pl.name, "service-name"]),
        });
    }
    plans
}
