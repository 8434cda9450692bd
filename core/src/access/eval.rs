//! Evaluates one of the plan's policy documents for one request, by the IAM
//! policy language's rules: a statement applies when its principal, action
//! and resource match and every condition holds; an explicit `Deny` wins
//! over any `Allow`; nothing allowed is an implicit deny
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).
//!
//! Only the language Linkplan emits is modelled: `*`/`?` wildcards in
//! actions (case-insensitive) and resources (case-sensitive), principals as
//! `*`, account roots, role ARNs and services, and the condition operators
//! and keys the plans use. A condition on another key, another operator or a
//! policy variable makes the statement `Unknown`: never silently `Allow`.

use super::request::{Caller, Request};
use crate::policy::{Condition, Effect, PolicyDocument, Principal, Statement};

/// Where a document sits, which decides whether its `Principal` is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to the caller (no `Principal`).
    Identity,
    /// On the resource or the VPC endpoint: `Principal` must match the caller.
    Resource,
}

/// What one document says about one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// A statement allows it (its `Sid`, or its position).
    Allow(String),
    /// A statement denies it explicitly.
    Deny(String),
    /// No statement applies: an implicit deny.
    NotAllowed,
    /// A statement might apply, but a condition uses what is not modelled.
    Unknown(String),
}

/// The condition keys the plans use and the request contexts carry
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
/// A condition on any other key is not decided.
pub const MODELLED_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceaccount",
    "sts:externalid",
];

/// The result of one condition.
enum Holds {
    Yes,
    No,
    Unknown(String),
}

/// Evaluates `doc` for `req`: explicit deny, then unknown, then allow.
pub fn evaluate(doc: &PolicyDocument, req: &Request<'_>, kind: PolicyKind) -> Decision {
    let (mut allow, mut unknown_allow, mut unknown_deny) = (None, None, None);
    for (i, st) in doc.statements.iter().enumerate() {
        let name = st.sid.clone().unwrap_or_else(|| format!("statement {}", i + 1));
        if !applies(st, req, kind) {
            continue;
        }
        match (conditions_hold(&st.conditions, req), st.effect) {
            (Holds::No, _) => {}
            (Holds::Yes, Effect::Deny) => return Decision::Deny(name),
            (Holds::Yes, Effect::Allow) => {
                allow.get_or_insert(name);
            }
            (Holds::Unknown(why), Effect::Deny) => {
                unknown_deny.get_or_insert(format!("{name}: {why}"));
            }
            (Holds::Unknown(why), Effect::Allow) => {
                unknown_allow.get_or_insert(format!("{name}: {why}"));
            }
        }
    }
    // a deny that could not be decided may still refuse the request; an
    // allow that could not be decided matters only when nothing else allows
    match (unknown_deny, allow, unknown_allow) {
        (Some(why), ..) | (None, None, Some(why)) => Decision::Unknown(why),
        (None, Some(sid), _) => Decision::Allow(sid),
        (None, None, None) => Decision::NotAllowed,
    }
}

/// The statement's principal, action and resource match the request.
fn applies(st: &Statement, req: &Request<'_>, kind: PolicyKind) -> bool {
    let principal = match (kind, &st.principal) {
        (PolicyKind::Identity, _) => true,
        (PolicyKind::Resource, Some(p)) => principal_matches(p, req),
        (PolicyKind::Resource, None) => false,
    };
    principal
        && st.actions.iter().any(|a| req.action.matches(a))
        && (st.resources.is_empty() || st.resources.iter().any(|r| req.resource_matches(r)))
}

/// `*` is everyone, anonymous callers included; an account root is every
/// principal of that account; a role ARN is that role; a service is that
/// service (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
fn principal_matches(p: &Principal, req: &Request<'_>) -> bool {
    if p.any {
        return true;
    }
    match req.caller {
        Caller::Anonymous => false,
        Caller::Service(name) => p.service.iter().any(|s| s == name),
        Caller::Role { arn, account } => {
            let root = format!("arn:aws:iam::{account}:root");
            p.aws.iter().any(|a| a == account || *a == root || req.resolve(a) == *arn)
        }
    }
}

fn conditions_hold(conditions: &[Condition], req: &Request<'_>) -> Holds {
    let mut unknown = None;
    for c in conditions {
        match condition_holds(c, req) {
            Holds::No => return Holds::No,
            Holds::Unknown(why) => unknown = Some(why),
            Holds::Yes => {}
        }
    }
    unknown.map_or(Holds::Yes, Holds::Unknown)
}

/// One condition, by the operators' documented semantics: a key absent from
/// the request context does not match (a negated operator then holds), an
/// `...IfExists` operator holds for an absent key, `Null` tests presence
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).
fn condition_holds(c: &Condition, req: &Request<'_>) -> Holds {
    let key = c.key.to_ascii_lowercase();
    if !MODELLED_KEYS.contains(&key.as_str()) {
        return Holds::Unknown(format!("condition key `{}` is not modelled", c.key));
    }
    if c.values.iter().any(|v| v.contains("${")) {
        return Holds::Unknown(format!("policy variables in `{}` are not modelled", c.key));
    }
    let present = req.context.get(&key);
    let (operator, if_exists) = match c.operator.strip_suffix("IfExists") {
        Some(op) => (op, true),
        None => (c.operator.as_str(), false),
    };
    if operator == "Null" {
        let wants_absent = c.values.iter().any(|v| v == "true");
        return if wants_absent == present.is_none() { Holds::Yes } else { Holds::No };
    }
    let (positive, case_sensitive, wildcard) = match operator {
        "StringEquals" | "ArnEquals" => (true, true, false),
        "StringNotEquals" | "ArnNotEquals" => (false, true, false),
        "StringEqualsIgnoreCase" => (true, false, false),
        "StringNotEqualsIgnoreCase" => (false, false, false),
        "StringLike" | "ArnLike" => (true, true, true),
        "StringNotLike" | "ArnNotLike" => (false, true, true),
        other => return Holds::Unknown(format!("condition operator `{other}` is not modelled")),
    };
    let Some(actual) = present else {
        return if if_exists || !positive { Holds::Yes } else { Holds::No };
    };
    let matches = c.values.iter().any(|v| {
        let v = req.resolve(v);
        actual.iter().any(|a| if wildcard { glob(&v, a, case_sensitive) } else { eq(&v, a, case_sensitive) })
    });
    if matches == positive { Holds::Yes } else { Holds::No }
}

fn eq(a: &str, b: &str, case_sensitive: bool) -> bool {
    if case_sensitive { a == b } else { a.eq_ignore_ascii_case(b) }
}

/// `*` matches any run of characters, `?` any one.
pub fn glob(pattern: &str, value: &str, case_sensitive: bool) -> bool {
    let fold = |s: &str| if case_sensitive { s.to_owned() } else { s.to_ascii_lowercase() };
    let (p, v): (Vec<char>, Vec<char>) = (fold(pattern).chars().collect(), fold(value).chars().collect());
    // the classic two-pointer match with backtracking to the last `*`
    let (mut pi, mut vi, mut star, mut mark) = (0, 0, None, 0);
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = vi;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            vi = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::request::{Action, Context};
    use crate::policy::Statement;

    fn role(account: &str) -> Caller {
        Caller::Role { arn: format!("arn:aws:iam::{account}:role/app"), account: account.to_owned() }
    }

    fn req<'a>(caller: &'a Caller, action: &'a str, resource: &str, context: &'a Context) -> Request<'a> {
        Request::new(caller, Action::Exact(action), resource, context)
    }

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(glob("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", true));
        assert!(glob("s3:Get*", "s3:getobject", false));
        assert!(!glob("s3:Get*", "s3:getobject", true));
        assert!(glob("a?c", "abc", true) && !glob("a?c", "ac", true));
        assert!(glob("*", "", true) && !glob("", "x", true));
    }

    #[test]
    fn an_explicit_deny_wins_over_an_allow() {
        let doc = PolicyDocument::new(vec![
            Statement::allow("Allow", &["*"], vec!["*".into()]).principal(Principal::any()),
            Statement {
                effect: Effect::Deny,
                ..Statement::allow("NotFromTheEndpoint", &["execute-api:Invoke"], vec!["*".into()])
            }
            .principal(Principal::any())
            .when("StringNotEquals", "aws:SourceVpce", vec!["vpce-1".into()]),
        ]);
        let caller = Caller::Anonymous;
        let elsewhere = Context::default();
        assert_eq!(
            evaluate(&doc, &req(&caller, "execute-api:Invoke", "x", &elsewhere), PolicyKind::Resource),
            Decision::Deny("NotFromTheEndpoint".into())
        );
        let through = Context::default().with("aws:SourceVpce", "vpce-1");
        assert_eq!(
            evaluate(&doc, &req(&caller, "execute-api:Invoke", "x", &through), PolicyKind::Resource),
            Decision::Allow("Allow".into())
        );
    }

    #[test]
    fn a_condition_on_a_key_absent_from_the_context_does_not_match() {
        let doc = PolicyDocument::new(vec![
            Statement::allow("OrgOnly", &["*"], vec!["*".into()]).principal(Principal::any()).when(
                "StringEquals",
                "aws:PrincipalOrgID",
                vec!["o-1".into()],
            ),
        ]);
        let caller = role("111111111111");
        let none = Context::default();
        assert_eq!(
            evaluate(&doc, &req(&caller, "sts:AssumeRole", "*", &none), PolicyKind::Resource),
            Decision::NotAllowed
        );
        let org = Context::default().with("aws:PrincipalOrgID", "o-1");
        assert!(matches!(
            evaluate(&doc, &req(&caller, "sts:AssumeRole", "*", &org), PolicyKind::Resource),
            Decision::Allow(_)
        ));
        // `IfExists` holds for an absent key
        let mut if_exists = doc.clone();
        if_exists.statements[0].conditions[0].operator = "StringEqualsIfExists".into();
        assert!(matches!(
            evaluate(&if_exists, &req(&caller, "sts:AssumeRole", "*", &none), PolicyKind::Resource),
            Decision::Allow(_)
        ));
    }

    #[test]
    fn anonymous_callers_match_only_everyone() {
        let doc = PolicyDocument::new(vec![
            Statement::allow("Accounts", &["*"], vec!["*".into()])
                .principal(Principal::aws(vec!["arn:aws:iam::111111111111:root".into()])),
        ]);
        let ctx = Context::default();
        assert_eq!(
            evaluate(&doc, &req(&Caller::Anonymous, "execute-api:Invoke", "*", &ctx), PolicyKind::Resource),
            Decision::NotAllowed
        );
        assert!(matches!(
            evaluate(&doc, &req(&role("111111111111"), "execute-api:Invoke", "*", &ctx), PolicyKind::Resource),
            Decision::Allow(_)
        ));
        assert_eq!(
            evaluate(&doc, &req(&role("222222222222"), "execute-api:Invoke", "*", &ctx), PolicyKind::Resource),
            Decision::NotAllowed
        );
    }

    #[test]
    fn what_is_not_modelled_is_unknown_never_allow() {
        let doc = PolicyDocument::new(vec![
            Statement::allow("Tagged", &["*"], vec!["*".into()]).principal(Principal::any()).when(
                "StringEquals",
                "aws:PrincipalTag/team",
                vec!["ml".into()],
            ),
        ]);
        let ctx = Context::default();
        assert!(matches!(
            evaluate(&doc, &req(&Caller::Anonymous, "s3:GetObject", "*", &ctx), PolicyKind::Resource),
            Decision::Unknown(_)
        ));
        let mut op = doc.clone();
        op.statements[0].conditions[0] =
            Condition { operator: "NumericLessThan".into(), key: "aws:SourceVpce".into(), values: vec!["3".into()] };
        assert!(matches!(
            evaluate(&op, &req(&Caller::Anonymous, "s3:GetObject", "*", &ctx), PolicyKind::Resource),
            Decision::Unknown(_)
        ));
    }
}
