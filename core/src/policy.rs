//! IAM policy documents as the plan holds them: typed, in the plan's own
//! camelCase, so the CDK library reads them through generated types and the
//! proof can evaluate them. [`PolicyDocument::to_iam_json`] is the AWS form
//! (the IAM JSON policy grammar:
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>).
//!
//! A value known only at deploy (a VPC endpoint's ID, a role's ARN in
//! another stack, a Studio domain's ID) is written as a placeholder,
//! `{{kind:id}}` (see [`Placeholder`]); the constructs put the deployed
//! value in its place and change nothing else.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt;

/// The policy language version every document uses.
pub const VERSION: &str = "2012-10-17";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub effect: Effect,
    /// Resource and trust policies only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    pub actions: Vec<String>,
    /// Empty in trust policies, which name no resource.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub enum Effect {
    Allow,
    Deny,
}

/// Who a statement is about: everyone (`"*"`), or AWS principals (accounts,
/// roles) and services.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Principal {
    /// `"Principal": "*"`: any principal, anonymous callers included.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub any: bool,
    /// Account roots and role ARNs (`"AWS"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aws: Vec<String>,
    /// Service principals (`"Service"`), e.g. `lambda.amazonaws.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service: Vec<String>,
}

/// One condition: `{ operator: { key: values } }` in the AWS form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// e.g. `StringEquals`.
    pub operator: String,
    /// e.g. `aws:PrincipalOrgID`.
    pub key: String,
    pub values: Vec<String>,
}

impl Statement {
    /// An `Allow` of `actions` on `resources`.
    pub fn allow(sid: &str, actions: &[&str], resources: Vec<String>) -> Self {
        Statement {
            sid: Some(sid.to_owned()),
            effect: Effect::Allow,
            principal: None,
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            resources,
            conditions: Vec::new(),
        }
    }

    /// A `Deny` of `actions` on `resources`.
    pub fn deny(sid: &str, actions: &[&str], resources: Vec<String>) -> Self {
        Statement { effect: Effect::Deny, ..Statement::allow(sid, actions, resources) }
    }

    /// A trust statement: `principal` may assume the role.
    pub fn assume_role(principal: Principal) -> Self {
        Statement {
            sid: None,
            effect: Effect::Allow,
            principal: Some(principal),
            actions: vec!["sts:AssumeRole".to_owned()],
            resources: Vec::new(),
            conditions: Vec::new(),
        }
    }

    #[must_use]
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    #[must_use]
    pub fn when(mut self, operator: &str, key: &str, values: Vec<String>) -> Self {
        self.conditions.push(Condition { operator: operator.to_owned(), key: key.to_owned(), values });
        self
    }

    fn to_iam_json(&self) -> Value {
        let mut s = Map::new();
        if let Some(sid) = &self.sid {
            s.insert("Sid".into(), json!(sid));
        }
        s.insert("Effect".into(), json!(self.effect));
        if let Some(p) = &self.principal {
            s.insert("Principal".into(), p.to_iam_json());
        }
        s.insert("Action".into(), wildcard_or(&self.actions));
        if !self.resources.is_empty() {
            s.insert("Resource".into(), wildcard_or(&self.resources));
        }
        if !self.conditions.is_empty() {
            let mut by_operator: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
            for c in &self.conditions {
                by_operator.entry(&c.operator).or_default().insert(c.key.clone(), single(&c.values));
            }
            s.insert("Condition".into(), json!(by_operator));
        }
        Value::Object(s)
    }
}

impl Principal {
    pub fn any() -> Self {
        Principal { any: true, ..Principal::default() }
    }

    pub fn aws(arns: Vec<String>) -> Self {
        Principal { aws: arns, ..Principal::default() }
    }

    pub fn service(name: &str) -> Self {
        Principal { service: vec![name.to_owned()], ..Principal::default() }
    }

    fn to_iam_json(&self) -> Value {
        if self.any {
            return json!("*");
        }
        let mut p = Map::new();
        if !self.aws.is_empty() {
            p.insert("AWS".into(), json!(self.aws));
        }
        if !self.service.is_empty() {
            p.insert("Service".into(), single(&self.service));
        }
        Value::Object(p)
    }
}

impl PolicyDocument {
    pub fn new(statements: Vec<Statement>) -> Self {
        PolicyDocument { statements }
    }

    /// The document in the IAM JSON policy grammar.
    pub fn to_iam_json(&self) -> Value {
        json!({ "Version": VERSION, "Statement": self.statements.iter().map(Statement::to_iam_json).collect::<Vec<_>>() })
    }
}

/// The grammar's shorthands, as people write policies: `"*"` for a list of
/// only `*`, and a single condition value or service principal as a string.
/// `cdk-lib/src/private/policy.ts` renders the same way.
fn wildcard_or(values: &[String]) -> Value {
    if values.len() == 1 && values[0] == "*" { json!("*") } else { json!(values) }
}

fn single(values: &[String]) -> Value {
    if let [one] = values { json!(one) } else { json!(values) }
}

/// A value the constructs fill in at deploy, written `{{kind:id}}` in a
/// policy of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placeholder<'a> {
    /// The deployed ID (`vpce-…`) of a planned endpoint (`endpoints[].id`).
    EndpointId(&'a str),
    /// The ARN of a planned role (`iam.roles[].id`) created in another stack.
    RoleArn(&'a str),
    /// The ID of a LOB's Studio domain (`studio.domains[].lob`).
    DomainId(&'a str),
}

impl fmt::Display for Placeholder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Placeholder::EndpointId(id) => write!(f, "{{{{endpoint-id:{id}}}}}"),
            Placeholder::RoleArn(id) => write!(f, "{{{{role-arn:{id}}}}}"),
            Placeholder::DomainId(lob) => write!(f, "{{{{domain-id:{lob}}}}}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aws_form_groups_conditions_by_operator() {
        let doc = PolicyDocument::new(vec![
            Statement::allow("S", &["sts:AssumeRole"], Vec::new())
                .principal(Principal::aws(vec!["arn:aws:iam::111111111111:root".into()]))
                .when("StringEquals", "aws:PrincipalOrgID", vec!["o-1".into()])
                .when("StringEquals", "aws:PrincipalAccount", vec!["111111111111".into()]),
        ]);
        assert_eq!(
            doc.to_iam_json(),
            json!({"Version": "2012-10-17", "Statement": [{
                "Sid": "S", "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111111111111:root"]},
                "Action": ["sts:AssumeRole"],
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1", "aws:PrincipalAccount": "111111111111"}}
            }]})
        );
        assert_eq!(Principal::any().to_iam_json(), json!("*"));
    }

    #[test]
    fn placeholders_are_written_in_double_braces() {
        assert_eq!(Placeholder::EndpointId("hub/sts").to_string(), "{{endpoint-id:hub/sts}}");
        assert_eq!(Placeholder::DomainId("lob-a").to_string(), "{{domain-id:lob-a}}");
    }
}
