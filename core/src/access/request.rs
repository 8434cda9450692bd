//! A request as a hop of a flow makes it: who calls, which action on which
//! resource, and the request context AWS evaluates conditions against
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-reqcontext.html>).

use super::eval::glob;
use std::collections::BTreeMap;

/// Who makes the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// An IAM role (a planned role, or a workload's role in its account).
    Role { arn: String, account: String },
    /// An AWS service acting for a resource (e.g. `lambda.amazonaws.com`).
    Service(String),
    /// No AWS credentials: a browser, a client with only a bearer token.
    Anonymous,
}

impl Caller {
    /// The caller as the plan's `principal` field writes it.
    pub fn describe(&self) -> String {
        match self {
            Caller::Role { arn, .. } => arn.clone(),
            Caller::Service(s) => s.clone(),
            Caller::Anonymous => "anonymous".to_owned(),
        }
    }
}

/// The action asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action<'a> {
    /// One API action, e.g. `sts:AssumeRole`.
    Exact(&'a str),
    /// Some action of a service, by its prefix (`sts`): a workload's need
    /// names the service, not the calls it makes.
    AnyOf(&'a str),
}

impl Action<'_> {
    /// Whether a statement's action pattern covers this action.
    pub fn matches(self, pattern: &str) -> bool {
        match self {
            Action::Exact(a) => glob(pattern, a, false),
            Action::AnyOf(prefix) => {
                pattern == "*" || pattern.split_once(':').is_some_and(|(p, _)| p.eq_ignore_ascii_case(prefix))
            }
        }
    }
}

/// The request context: condition keys (lower-case, as IAM compares them
/// case-insensitively) and their values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context(BTreeMap<String, Vec<String>>);

impl Context {
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.0.entry(key.to_ascii_lowercase()).or_default().push(value.into());
        self
    }

    pub fn get(&self, key: &str) -> Option<&Vec<String>> {
        self.0.get(&key.to_ascii_lowercase())
    }
}

/// One request, with how the plan's placeholders of role ARNs resolve.
pub struct Request<'a> {
    pub caller: &'a Caller,
    pub action: Action<'a>,
    pub resource: String,
    /// Other names of the same resource: a private API's resource policy
    /// names the API itself as `execute-api:/<stage>/<method>/<path>`
    /// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html>).
    pub aliases: Vec<String>,
    pub context: &'a Context,
    roles: Option<&'a BTreeMap<String, String>>,
}

impl<'a> Request<'a> {
    pub fn new(caller: &'a Caller, action: Action<'a>, resource: &str, context: &'a Context) -> Self {
        Request { caller, action, resource: resource.to_owned(), aliases: Vec::new(), context, roles: None }
    }

    /// Another name of the resource a statement may use.
    #[must_use]
    pub fn alias(mut self, name: impl Into<String>) -> Self {
        self.aliases.push(name.into());
        self
    }

    /// Whether a statement's resource pattern names this resource.
    pub fn resource_matches(&self, pattern: &str) -> bool {
        let pattern = self.resolve(pattern);
        std::iter::once(&self.resource).chain(&self.aliases).any(|r| glob(&pattern, r, true))
    }

    /// Resolves `{{role-arn:<id>}}` placeholders with the planned roles' ARNs.
    #[must_use]
    pub fn with_roles(mut self, roles: &'a BTreeMap<String, String>) -> Self {
        self.roles = Some(roles);
        self
    }

    /// A policy value with its role placeholders resolved; others stay
    /// symbolic and compare as they are (an endpoint's `{{endpoint-id:…}}`
    /// is the same placeholder in the policy and in the context).
    pub fn resolve(&self, value: &str) -> String {
        let Some(roles) = self.roles else { return value.to_owned() };
        match value.strip_prefix("{{role-arn:").and_then(|v| v.strip_suffix("}}")) {
            Some(id) => roles.get(id).cloned().unwrap_or_else(|| value.to_owned()),
            None => value.to_owned(),
        }
    }
}
