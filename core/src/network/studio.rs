//! SageMaker Studio across accounts (`studio`): the portal and each line of
//! business's domain, with the names, roles and endpoints the constructs
//! build them from. The portal maps a user to their domain from this plan
//! (not from tables filled by hand, and never "the last InService domain").

use super::Ctx;
use super::iam::RoleId;
use crate::names::{REST_API, SAGEMAKER_DOMAIN};
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StudioPlan {
    pub portal: PortalPlan,
    pub domains: Vec<DomainPlan>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalPlan {
    pub account: String,
    pub account_id: String,
    pub region: String,
    pub vpc: String,
    pub presigned_url_ttl_seconds: u32,
    /// The portal function's role (`iam.roles[].id`).
    pub role: RoleId,
    /// The execute-api endpoint (`<vpc>/execute-api`) the private API admits, if planned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_endpoint: Option<String>,
    /// The private REST API's name.
    pub api_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DomainPlan {
    pub lob: String,
    /// The SageMaker domain's name: the portal finds the domain by it.
    pub name: String,
    pub account: String,
    pub account_id: String,
    pub region: String,
    pub vpc: String,
    pub users: Vec<String>,
    /// The role the portal assumes to presign URLs (`iam.roles[].id`).
    pub url_role: RoleId,
    /// The users' execution role (`iam.roles[].id`).
    pub execution_role: RoleId,
}

pub fn plan(cx: &Ctx<'_>, endpoints: &[super::endpoints::EndpointPlan]) -> Option<StudioPlan> {
    let s = cx.topo.studio.as_ref()?;
    let pv = cx.vpc(&s.portal.vpc)?;
    let api_endpoint = endpoints
        .iter()
        .find(|e| {
            e.service == "execute-api"
                && e.region == pv.region
                && (e.vpc == s.portal.vpc || e.shared_with.contains(&s.portal.vpc))
        })
        .map(|e| e.id.clone());
    let id_of = |account: &str| cx.topo.accounts.get(account).map(|a| a.id.clone()).unwrap_or_default();
    let domains = s
        .domains
        .iter()
        .filter_map(|d| {
            let v = cx.vpc(&d.vpc)?;
            Some(DomainPlan {
                lob: d.lob.clone(),
                name: SAGEMAKER_DOMAIN.name(&[&cx.topo.name, &d.lob]),
                account: d.account.clone(),
                account_id: id_of(&d.account),
                region: v.region.clone(),
                vpc: d.vpc.clone(),
                users: d.users.clone(),
                url_role: RoleId::StudioUrl(d.lob.clone()),
                execution_role: RoleId::StudioExecution(d.lob.clone()),
            })
        })
        .collect();
    Some(StudioPlan {
        portal: PortalPlan {
            account: s.portal.account.clone(),
            account_id: id_of(&s.portal.account),
            region: pv.region.clone(),
            vpc: s.portal.vpc.clone(),
            presigned_url_ttl_seconds: s.portal.presigned_url_ttl_seconds,
            role: RoleId::StudioPortal,
            api_endpoint,
            api_name: REST_API.name(&[&cx.topo.name, "studio-portal"]),
        },
        domains,
    })
}
