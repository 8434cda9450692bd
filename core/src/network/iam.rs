//! The IAM plan: the roles the constructs create, with names and ARNs known
//! before deploy, trust policies with conditions, and permissions scoped to
//! exactly what the topology lists (models, functions, user profiles).

use super::Ctx;
use super::endpoints::EndpointPlan;
use crate::names::{self, IAM_ROLE, LAMBDA_FUNCTION};
use crate::policy::{Placeholder, PolicyDocument, Principal, Statement};
use crate::spec::{Bedrock, Studio};
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Serialize, JsonSchema)]
pub struct IamPlan {
    pub roles: Vec<RolePlan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<FunctionPlan>,
    /// The Bedrock ML account's parts, when the topology has a `bedrock` section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bedrock: Option<BedrockPlan>,
}

/// The Bedrock architecture's pieces, by their IDs in this plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BedrockPlan {
    pub account: String,
    pub region: String,
    /// The ML VPC the function runs in.
    pub vpc: String,
    /// The streaming function (`iam.functions[].id`).
    pub function: String,
    /// The function's role.
    pub function_role: RoleId,
    /// The role the invoker accounts' workloads assume.
    pub invoker_role: RoleId,
    /// The model IDs the function may invoke (`bedrock.models`).
    pub models: Vec<String>,
    /// Per listed model or inference profile, the resources invoking it
    /// needs: the first is what the caller names, the rest the foundation
    /// models a profile routes to.
    pub invocations: Vec<ModelInvocation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ModelInvocation {
    /// As `bedrock.models` lists it.
    pub model: String,
    pub resources: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RolePlan {
    /// Stable ID, e.g. `bedrock/invoker`.
    pub id: RoleId,
    pub name: String,
    pub account: String,
    pub account_id: String,
    pub arn: String,
    /// The stack that creates it.
    pub stack: String,
    /// The trust policy.
    pub trust: PolicyDocument,
    /// Endpoint IDs whose deployed VPC endpoint IDs `permissions` name in
    /// `aws:SourceVpce` conditions (as `{{endpoint-id:…}}` placeholders).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_vpce: Vec<String>,
    /// The inline policy, `Allow` statements only.
    pub permissions: PolicyDocument,
    /// The SSM parameter its ARN is published under, when a stack that must
    /// deploy after the role names it (a trust policy naming a role that
    /// does not exist yet is refused by IAM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn_parameter: Option<String>,
}

/// The planned roles, by what they are for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub enum RoleId {
    /// `bedrock/function`: the streaming function's role.
    BedrockFunction,
    /// `bedrock/invoker`: what the invoker accounts' workloads assume.
    BedrockInvoker,
    /// `studio/portal`: the portal function's role.
    StudioPortal,
    /// `studio/url/<lob>`: presigns Studio URLs of one LOB's domain.
    StudioUrl(String),
    /// `studio/execution/<lob>`: the LOB's Studio users' execution role.
    StudioExecution(String),
}

impl From<RoleId> for String {
    fn from(id: RoleId) -> String {
        match id {
            RoleId::BedrockFunction => "bedrock/function".into(),
            RoleId::BedrockInvoker => "bedrock/invoker".into(),
            RoleId::StudioPortal => "studio/portal".into(),
            RoleId::StudioUrl(lob) => format!("studio/url/{lob}"),
            RoleId::StudioExecution(lob) => format!("studio/execution/{lob}"),
        }
    }
}

impl RoleId {
    /// The ID as the plan writes it.
    pub fn as_string(&self) -> String {
        String::from(self.clone())
    }
}

impl JsonSchema for RoleId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RoleId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A planned role: `bedrock/function`, `bedrock/invoker`, `studio/portal`, `studio/url/<lob>` or `studio/execution/<lob>`"
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FunctionPlan {
    pub id: String,
    pub name: String,
    pub account: String,
    pub region: String,
    pub arn: String,
    pub role: RoleId,
    /// The VPC the function runs in.
    pub vpc: String,
}

/// The ID of the Bedrock streaming function (`iam.functions[].id`).
pub const BEDROCK_FUNCTION: &str = "bedrock/stream";

fn role_arn(account_id: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:role/{name}")
}

/// A role only `service` may assume, for this account's resources only
/// (`aws:SourceAccount`, the confused-deputy guard:
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>).
fn service_trust(service: &str, account_id: &str) -> PolicyDocument {
    PolicyDocument::new(vec![Statement::assume_role(Principal::service(service)).when(
        "StringEquals",
        "aws:SourceAccount",
        vec![account_id.to_owned()],
    )])
}

pub fn plan(cx: &Ctx<'_>, endpoints: &[EndpointPlan]) -> IamPlan {
    let mut plan = IamPlan::default();
    if let Some(b) = &cx.topo.bedrock {
        bedrock_roles(cx, b, &mut plan);
    }
    if let Some(s) = &cx.topo.studio {
        studio_roles(cx, s, endpoints, &mut plan);
    }
    plan.roles.sort_by_key(|a| a.id.as_string());
    plan
}

/// The stack of the VPC a role's construct is built with.
fn stack_of(cx: &Ctx<'_>, vpc: &str) -> String {
    cx.vpc(vpc).map(|v| v.stack.clone()).unwrap_or_default()
}

fn account_id(cx: &Ctx<'_>, account: &str) -> String {
    cx.topo.accounts.get(account).map(|a| a.id.clone()).unwrap_or_default()
}

/// The streaming function's role (invoke exactly the listed models), the
/// invoker role the invoker accounts assume (invoke exactly that function),
/// and the function.
fn bedrock_roles(cx: &Ctx<'_>, b: &Bedrock, plan: &mut IamPlan) {
    let name = cx.topo.name.as_str();
    let ml = account_id(cx, &b.account);
    let region = cx.vpc(&b.vpc).map(|v| v.region.clone()).unwrap_or_default();
    let fn_role = IAM_ROLE.name(&[name, "bedrock-fn"]);
    let invoker = IAM_ROLE.name(&[name, "bedrock-invoker"]);
    let function = LAMBDA_FUNCTION.name(&[name, "bedrock-stream"]);
    let function_arn = format!("arn:aws:lambda:{region}:{ml}:function:{function}");
    let invocations: Vec<ModelInvocation> = b
        .models
        .iter()
        .filter_map(|m| {
            let read = super::bedrock_models::read(m).ok()?;
            Some(ModelInvocation { model: m.clone(), resources: super::bedrock_models::resources(&read, &region, &ml) })
        })
        .collect();
    let mut models: Vec<String> = invocations.iter().flat_map(|i| i.resources.iter().cloned()).collect();
    models.sort();
    models.dedup();
    plan.roles.push(RolePlan {
        id: RoleId::BedrockFunction,
        name: fn_role.clone(),
        account: b.account.clone(),
        account_id: ml.clone(),
        arn: role_arn(&ml, &fn_role),
        stack: stack_of(cx, &b.vpc),
        trust: service_trust("lambda.amazonaws.com", &ml),
        source_vpce: Vec::new(),
        permissions: PolicyDocument::new(vec![Statement::allow(
            "InvokeListedModelsOnly",
            &["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            models,
        )]),
        arn_parameter: None,
    });
    let principals: Vec<String> =
        b.invokers.iter().map(|a| format!("arn:aws:iam::{}:root", account_id(cx, a))).collect();
    let trust = Statement::assume_role(Principal::aws(principals));
    let trust = match &cx.topo.organization {
        Some(org) => trust.when("StringEquals", "aws:PrincipalOrgID", vec![org.id.clone()]),
        // without an organization, an external ID the invoking side must present
        None => trust.when("StringEquals", "sts:ExternalId", vec![format!("{name}-{ml}")]),
    };
    plan.roles.push(RolePlan {
        id: RoleId::BedrockInvoker,
        name: invoker.clone(),
        account: b.account.clone(),
        account_id: ml.clone(),
        arn: role_arn(&ml, &invoker),
        stack: stack_of(cx, &b.vpc),
        trust: PolicyDocument::new(vec![trust]),
        source_vpce: Vec::new(),
        // InvokeWithResponseStream is authorized by lambda:InvokeFunction;
        // there is no IAM action of its own (cfn-lint W3037 caught it)
        permissions: PolicyDocument::new(vec![Statement::allow(
            "InvokeTheStreamingFunctionOnly",
            &["lambda:InvokeFunction"],
            vec![function_arn.clone()],
        )]),
        arn_parameter: None,
    });
    plan.bedrock = Some(BedrockPlan {
        account: b.account.clone(),
        region: region.clone(),
        vpc: b.vpc.clone(),
        function: BEDROCK_FUNCTION.into(),
        function_role: RoleId::BedrockFunction,
        invoker_role: RoleId::BedrockInvoker,
        models: b.models.clone(),
        invocations,
    });
    plan.functions.push(FunctionPlan {
        id: BEDROCK_FUNCTION.into(),
        name: function,
        account: b.account.clone(),
        region,
        arn: function_arn,
        role: RoleId::BedrockFunction,
        vpc: b.vpc.clone(),
    });
}

/// The portal's role (assume the LOBs' URL roles only), and per LOB a URL
/// role only the portal's role may assume, presigning the listed users'
/// profiles through the planned SageMaker endpoints only, and the users'
/// execution role.
fn studio_roles(cx: &Ctx<'_>, s: &Studio, endpoints: &[EndpointPlan], plan: &mut IamPlan) {
    let name = cx.topo.name.as_str();
    let portal_id = account_id(cx, &s.portal.account);
    let portal_role = IAM_ROLE.name(&[name, "studio-portal"]);
    let portal_arn = role_arn(&portal_id, &portal_role);
    let mut url_roles = Vec::new();
    for d in &s.domains {
        let acct = account_id(cx, &d.account);
        let region = cx.vpc(&d.vpc).map(|v| v.region.clone()).unwrap_or_default();
        let url_role = IAM_ROLE.name(&[name, "studio-url", &d.lob]);
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
        let domain = Placeholder::DomainId(&d.lob).to_string();
        let profiles: Vec<String> =
            d.users.iter().map(|u| format!("arn:aws:sagemaker:{region}:{acct}:user-profile/{domain}/{u}")).collect();
        let mut trust = Statement::assume_role(Principal::aws(vec![Placeholder::RoleArn("studio/portal").to_string()]))
            .when("StringEquals", "aws:PrincipalAccount", vec![portal_id.clone()]);
        if let Some(org) = &cx.topo.organization {
            trust = trust.when("StringEquals", "aws:PrincipalOrgID", vec![org.id.clone()]);
        }
        // every call only through the planned SageMaker API and Studio endpoints
        let through = |st: Statement| {
            if serving.is_empty() {
                st
            } else {
                let vpces = serving.iter().map(|e| Placeholder::EndpointId(e).to_string()).collect();
                st.when("StringEquals", "aws:SourceVpce", vpces)
            }
        };
        plan.roles.push(RolePlan {
            id: RoleId::StudioUrl(d.lob.clone()),
            name: url_role.clone(),
            account: d.account.clone(),
            account_id: acct.clone(),
            arn: role_arn(&acct, &url_role),
            stack: stack_of(cx, &d.vpc),
            trust: PolicyDocument::new(vec![trust]),
            permissions: PolicyDocument::new(vec![
                through(Statement::allow(
                    "PresignedUrlsForListedUsersOnly",
                    &["sagemaker:CreatePresignedDomainUrl"],
                    profiles,
                )),
                // the portal finds the planned domain by name; ListDomains
                // has no resource-level permissions
                through(Statement::allow("FindThePlannedDomain", &["sagemaker:ListDomains"], vec!["*".into()])),
            ]),
            source_vpce: serving.clone(),
            arn_parameter: None,
        });
        url_roles.push(role_arn(&acct, &url_role));
        let exec = IAM_ROLE.name(&[name, "studio-exec", &d.lob]);
        plan.roles.push(RolePlan {
            id: RoleId::StudioExecution(d.lob.clone()),
            name: exec.clone(),
            account: d.account.clone(),
            account_id: acct.clone(),
            arn: role_arn(&acct, &exec),
            stack: stack_of(cx, &d.vpc),
            trust: service_trust("sagemaker.amazonaws.com", &acct),
            source_vpce: Vec::new(),
            permissions: PolicyDocument::default(),
            arn_parameter: None,
        });
    }
    plan.roles.push(RolePlan {
        id: RoleId::StudioPortal,
        name: portal_role,
        account: s.portal.account.clone(),
        account_id: portal_id.clone(),
        arn: portal_arn,
        stack: stack_of(cx, &s.portal.vpc),
        trust: service_trust("lambda.amazonaws.com", &portal_id),
        source_vpce: Vec::new(),
        permissions: PolicyDocument::new(vec![Statement::allow(
            "AssumeTheLobUrlRolesOnly",
            &["sts:AssumeRole"],
            url_roles,
        )]),
        arn_parameter: Some(names::parameter(name, &["studio", "portal-role", "arn"])),
    });
}
