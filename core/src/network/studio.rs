//! SageMaker Studio across accounts (`studio`): the portal and each line of
//! business's domain, with the names, roles and endpoints the constructs
//! build them from. The portal maps a user to their domain from this plan
//! (not from tables filled by hand, and never "the last InService domain").

use super::Ctx;
use super::iam::RoleId;
use crate::names::{REST_API, SAGEMAKER_DOMAIN};
use crate::policy::{Placeholder, PolicyDocument, Principal, Statement};
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
    /// The API's stage: `GET /<stage>/studio/{user}`.
    pub api_stage: String,
    /// The private API's resource policy: any caller, but only through the
    /// planned execute-api endpoint (`aws:SourceVpce`), when one is planned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_policy: Option<PolicyDocument>,
}

/// The portal API's stage name.
pub const API_STAGE: &str = "portal";

/// A private API must have a resource policy; this one admits every caller
/// (the JWT authorizer decides who) but only through `endpoint`
/// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html#apigateway-resource-policies-source-vpc-example>).
fn api_policy(endpoint: &str) -> PolicyDocument {
    let all = vec!["execute-api:/*".to_owned()];
    PolicyDocument::new(vec![
        Statement::allow("InvokeThePortal", &["execute-api:Invoke"], all.clone()).principal(Principal::any()),
        Statement::deny("OnlyThroughThePlannedEndpoint", &["execute-api:Invoke"], all)
            .principal(Principal::any())
            .when("StringNotEquals", "aws:SourceVpce", vec![Placeholder::EndpointId(endpoint).to_string()]),
    ])
}

/// Lets the browser's anonymous call reach the portal through the
/// endpoint its API admits. A call carrying a bearer token (the portal's JWT)
/// is anonymous to an execute-api endpoint's policy
/// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-vpc-endpoint-policies.html>),
/// so the endpoint admits anonymous callers for exactly the portal's
/// stage and route in the portal's account; the API's resource policy and
/// authorizer stay the guard.
pub fn admit_portal_callers(plan: &StudioPlan, endpoints: &mut [super::endpoints::EndpointPlan]) {
    let p = &plan.portal;
    let Some(id) = &p.api_endpoint else { return };
    let Some(e) = endpoints.iter_mut().find(|e| e.id == *id) else { return };
    let route = format!("arn:aws:execute-api:{}:{}:*/{}/GET/studio/*", p.region, p.account_id, p.api_stage);
    e.policy.statements.push(
        Statement::allow("StudioPortalCallers", &["execute-api:Invoke"], vec![route]).principal(Principal::any()),
    );
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
            api_policy: api_endpoint.as_deref().map(api_policy),
            api_endpoint,
            api_name: REST_API.name(&[&cx.topo.name, "studio-portal"]),
            api_stage: API_STAGE.into(),
        },
        domains,
    })
}
