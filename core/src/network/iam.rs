//! The IAM plan: the roles the constructs create, with names and ARNs known
//! before deploy, trust policies with conditions, and permissions scoped to
//! exactly what the topology lists (models, functions, user profiles).

use super::Ctx;
use super::endpoints::EndpointPlan;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
pub struct IamPlan {
    pub roles: Vec<RolePlan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<FunctionPlan>,
}

#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RolePlan {
    /// Stable ID, e.g. `bedrock/invoker`.
    pub id: String,
    pub name: String,
    pub account: String,
    pub account_id: String,
    pub arn: String,
    /// The trust policy document.
    pub trust: Value,
    /// Endpoint IDs whose deployed VPC endpoint IDs the constructs put into
    /// `aws:SourceVpce` conditions of `permissions` (known only at deploy).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_vpce: Vec<String>,
    /// Inline policy statements (`Effect: Allow`).
    pub permissions: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FunctionPlan {
    pub id: String,
    pub name: String,
    pub account: String,
    pub region: String,
    pub arn: String,
    pub role: String,
    /// The VPC the function runs in.
    pub vpc: String,
}

/// IAM role names are at most 64 characters: longer ones keep their start
/// and end with a stable hash, so they stay unique and deterministic.
pub fn role_name(parts: &[&str]) -> String {
    let name = parts.join("-");
    if name.len() <= 64 {
        return name;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let head: String = name.chars().take(55).collect();
    format!("{head}-{:08x}", hash as u32)
}

fn role_arn(account_id: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:role/{name}")
}

fn service_trust(service: &str, account_id: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": service },
            "Action": "sts:AssumeRole",
            "Condition": { "StringEquals": { "aws:SourceAccount": account_id } }
        }]
    })
}

pub fn plan(cx: &Ctx<'_>, endpoints: &[EndpointPlan]) -> IamPlan {
    let mut plan = IamPlan::default();
    let id_of = |account: &str| cx.topo.accounts.get(account).map(|a| a.id.clone()).unwrap_or_default();
    let org = cx.topo.organization.as_ref().map(|o| o.id.clone());
    let name = cx.topo.name.as_str();

    if let Some(b) = &cx.topo.bedrock {
        let ml = id_of(&b.account);
        let region = cx.vpc(&b.vpc).map(|v| v.region.clone()).unwrap_or_default();
        let fn_role = role_name(&[name, "bedrock-fn"]);
        let invoker = role_name(&[name, "bedrock-invoker"]);
        let function = role_name(&[name, "bedrock-stream"]);
        let function_arn = format!("arn:aws:lambda:{region}:{ml}:function:{function}");
        let models: Vec<String> =
            b.models.iter().map(|m| format!("arn:aws:bedrock:{region}::foundation-model/{m}")).collect();
        plan.roles.push(RolePlan {
            id: "bedrock/function".into(),
            name: fn_role.clone(),
            account: b.account.clone(),
            account_id: ml.clone(),
            arn: role_arn(&ml, &fn_role),
            trust: service_trust("lambda.amazonaws.com", &ml),
            source_vpce: Vec::new(),
            permissions: vec![json!({
                "Sid": "InvokeListedModelsOnly",
                "Effect": "Allow",
                "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                "Resource": models
            })],
        });
        let principals: Vec<String> = b.invokers.iter().map(|a| format!("arn:aws:iam::{}:root", id_of(a))).collect();
        let condition = match &org {
            Some(org) => json!({ "StringEquals": { "aws:PrincipalOrgID": org } }),
            // without an organization, an external ID the invoking side must present
            None => json!({ "StringEquals": { "sts:ExternalId": format!("{name}-{ml}") } }),
        };
        plan.roles.push(RolePlan {
            id: "bedrock/invoker".into(),
            name: invoker.clone(),
            account: b.account.clone(),
            account_id: ml.clone(),
            arn: role_arn(&ml, &invoker),
            trust: json!({
                "Version": "2012-10-17",
                "Statement": [{ "Effect": "Allow", "Principal": { "AWS": principals }, "Action": "sts:AssumeRole", "Condition": condition }]
            }),
            source_vpce: Vec::new(),
            permissions: vec![json!({
                "Sid": "InvokeTheStreamingFunctionOnly",
                "Effect": "Allow",
                // InvokeWithResponseStream is authorized by lambda:InvokeFunction;
                // there is no IAM action of its own (cfn-lint W3037 caught it)
                "Action": ["lambda:InvokeFunction"],
                "Resource": [function_arn.clone()]
            })],
        });
        plan.functions.push(FunctionPlan {
            id: "bedrock/stream".into(),
            name: function,
            account: b.account.clone(),
            region,
            arn: function_arn,
            role: "bedrock/function".into(),
            vpc: b.vpc.clone(),
        });
    }

    if let Some(s) = &cx.topo.studio {
        let portal_id = id_of(&s.portal.account);
        let portal_role = role_name(&[name, "studio-portal"]);
        let portal_arn = role_arn(&portal_id, &portal_role);
        let mut url_roles = Vec::new();
        for d in &s.domains {
            let acct = id_of(&d.account);
            let region = cx.vpc(&d.vpc).map(|v| v.region.clone()).unwrap_or_default();
            let url_role = role_name(&[name, "studio-url", &d.lob]);
            let serving: Vec<String> = endpoints
                .iter()
                .filter(|e| e.region == region && (e.service == "sagemaker.api" || e.service == "sagemaker.studio"))
                .filter(|e| {
                    e.vpc == s.portal.vpc
                        || e.shared_with.contains(&s.portal.vpc)
                        || e.vpc == d.vpc
                        || e.shared_with.contains(&d.vpc)
                })
                .map(|e| e.id.clone())
                .collect();
            let profiles: Vec<String> =
                d.users.iter().map(|u| format!("arn:aws:sagemaker:{region}:{acct}:user-profile/*/{u}")).collect();
            let mut trust_condition = json!({ "StringEquals": { "aws:PrincipalAccount": portal_id } });
            if let Some(org) = &org {
                trust_condition["StringEquals"]["aws:PrincipalOrgID"] = json!(org);
            }
            plan.roles.push(RolePlan {
                id: format!("studio/url/{}", d.lob),
                name: url_role.clone(),
                account: d.account.clone(),
                account_id: acct.clone(),
                arn: role_arn(&acct, &url_role),
                trust: json!({
                    "Version": "2012-10-17",
                    "Statement": [{ "Effect": "Allow", "Principal": { "AWS": portal_arn }, "Action": "sts:AssumeRole", "Condition": trust_condition }]
                }),
                source_vpce: serving,
                permissions: vec![json!({
                    "Sid": "PresignedUrlsForListedUsersOnly",
                    "Effect": "Allow",
                    "Action": ["sagemaker:CreatePresignedDomainUrl"],
                    "Resource": profiles
                })],
            });
            url_roles.push(role_arn(&acct, &url_role));
            let exec = role_name(&[name, "studio-exec", &d.lob]);
            plan.roles.push(RolePlan {
                id: format!("studio/execution/{}", d.lob),
                name: exec.clone(),
                account: d.account.clone(),
                account_id: acct.clone(),
                arn: role_arn(&acct, &exec),
                trust: service_trust("sagemaker.amazonaws.com", &acct),
                source_vpce: Vec::new(),
                permissions: Vec::new(),
            });
        }
        plan.roles.push(RolePlan {
            id: "studio/portal".into(),
            name: portal_role,
            account: s.portal.account.clone(),
            account_id: portal_id.clone(),
            arn: portal_arn,
            trust: service_trust("lambda.amazonaws.com", &portal_id),
            source_vpce: Vec::new(),
            permissions: vec![json!({
                "Sid": "AssumeTheLobUrlRolesOnly",
                "Effect": "Allow",
                "Action": ["sts:AssumeRole"],
                "Resource": url_roles
            })],
        });
    }
    plan.roles.sort_by(|a, b| a.id.cmp(&b.id));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_role_names_are_shortened_stably() {
        assert_eq!(role_name(&["t", "bedrock-fn"]), "t-bedrock-fn");
        let long = "x".repeat(80);
        let a = role_name(&[&long, "bedrock-invoker"]);
        assert_eq!(a.len(), 64);
        assert_eq!(a, role_name(&[&long, "bedrock-invoker"]));
        assert_ne!(a, role_name(&[&long, "bedrock-fn"]));
    }
}
