//! Whether AWS lets one request through, given every policy on its way: the
//! VPC endpoint's policy, the caller's identity policy and the target's
//! resource (or trust) policy, combined as IAM documents it:
//! - an explicit deny in any of them refuses the request;
//! - the endpoint's policy must allow it: it is evaluated as well as the
//!   other policies, never instead of them
//!   (<https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>);
//! - across accounts, the caller's identity policy *and* the target's
//!   resource-based policy must both allow it
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>);
//! - in one account, either allows it, except a role's trust policy, which
//!   must always allow the `AssumeRole`, and which alone suffices only when
//!   it names the caller itself rather than its account
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>);
//! - an anonymous caller has no identity policy: a resource-based policy
//!   must allow it.
//!
//! A workload whose identity policy Linkplan does not write (generic compute
//! of the topology) is taken to allow what it needs; the step says so.

use super::eval::{Decision, PolicyKind, evaluate};
use super::request::{Caller, Request};
use crate::network::reachability::{LinkKind, Step};
use crate::policy::PolicyDocument;

/// A resource-based policy and what kind it is.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// No resource-based policy (most AWS APIs): identity policies decide.
    None,
    /// A resource policy (a function's, a private API's).
    Resource { policy: &'a PolicyDocument, account: &'a str, what: &'a str },
    /// A role's trust policy: always required for `sts:AssumeRole`.
    Trust { policy: &'a PolicyDocument, account: &'a str, what: &'a str },
}

/// The caller's identity policy, as far as the proof reads it.
#[derive(Clone, Copy, Debug)]
pub enum Identity<'a> {
    /// A planned role's policy (its ID, its document).
    Policy(&'a str, &'a PolicyDocument),
    /// A role Linkplan does not write: taken to allow what it calls; the
    /// step says so.
    NotLinkplans,
    /// Not part of this hop: a workload's `needs` entry names a service, not
    /// the calls it makes, so only the endpoint's policy is decided.
    NotDecided,
}

/// The policies on a request's way.
#[derive(Clone, Copy, Debug)]
pub struct Policies<'a> {
    /// The endpoint the request goes through, with its policy.
    pub endpoint: Option<(&'a str, &'a PolicyDocument)>,
    pub identity: Identity<'a>,
    pub target: Target<'a>,
}

/// The outcome: the steps that allow it, or the first that refuses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed(Vec<Step>),
    Refused(Step),
    /// A policy uses what the evaluator does not model.
    Unknown(Step),
}

fn step(link: LinkKind, detail: String) -> Step {
    Step { link, detail }
}

/// The names a verdict's steps use for a request.
struct Said {
    action: String,
    who: String,
}

/// Decides `req` against `policies`.
pub fn authorize(req: &Request<'_>, policies: &Policies<'_>) -> Verdict {
    let said = Said {
        action: match req.action {
            super::request::Action::Exact(a) => a.to_owned(),
            super::request::Action::AnyOf(p) => format!("{p}:*"),
        },
        who: req.caller.describe(),
    };
    let mut steps = Vec::new();
    if let Some((id, doc)) = policies.endpoint {
        match evaluate(doc, req, PolicyKind::Resource) {
            Decision::Allow(sid) => steps.push(step(
                LinkKind::EndpointPolicy,
                format!("the policy of endpoint `{id}` allows {} by {} (statement `{sid}`)", said.action, said.who),
            )),
            other => {
                return refused(LinkKind::EndpointPolicy, &format!("the policy of endpoint `{id}`"), &other, &said);
            }
        }
    }
    if matches!(policies.identity, Identity::NotDecided) {
        return Verdict::Allowed(steps);
    }
    let identity = match (req.caller, policies.identity) {
        (Caller::Role { .. }, Identity::Policy(role, doc)) => Some((role, evaluate(doc, req, PolicyKind::Identity))),
        _ => None,
    };
    if let Some((role, d @ (Decision::Deny(_) | Decision::Unknown(_)))) = &identity {
        return refused(LinkKind::IdentityPolicy, &format!("the policy of role `{role}`"), d, &said);
    }
    let identity_allows = match &identity {
        Some((_, d)) => matches!(d, Decision::Allow(_)),
        // not Linkplan's policy: taken to allow what the workload needs
        None => matches!(req.caller, Caller::Role { .. }),
    };
    if let Err(v) = target_allows(req, policies.target, identity_allows, &said, &mut steps) {
        return v;
    }
    match identity {
        Some((role, Decision::Allow(sid))) => steps.push(step(
            LinkKind::IdentityPolicy,
            format!("the policy of role `{role}` allows {} (statement `{sid}`)", said.action),
        )),
        None if matches!(req.caller, Caller::Role { .. }) => steps.push(step(
            LinkKind::IdentityPolicy,
            format!("{}'s own identity policy (not written by Linkplan) must allow {}", said.who, said.action),
        )),
        _ => {}
    }
    Verdict::Allowed(steps)
}

/// The target's resource or trust policy, with the identity policy where
/// AWS requires both.
fn target_allows(
    req: &Request<'_>,
    target: Target<'_>,
    identity_allows: bool,
    said: &Said,
    steps: &mut Vec<Step>,
) -> Result<(), Verdict> {
    let caller_account = match req.caller {
        Caller::Role { account, .. } => Some(account.as_str()),
        _ => None,
    };
    let no_identity = || refused(LinkKind::IdentityPolicy, "the caller's identity policy", &Decision::NotAllowed, said);
    let (link, policy, account, what) = match target {
        Target::None => return if identity_allows { Ok(()) } else { Err(no_identity()) },
        Target::Resource { policy, account, what } => (LinkKind::ResourcePolicy, policy, account, what),
        Target::Trust { policy, account, what } => (LinkKind::TrustPolicy, policy, account, what),
    };
    let decision = evaluate(policy, req, PolicyKind::Resource);
    let cross = caller_account != Some(account);
    let name = format!("the {} of {what}", link_noun(link));
    match &decision {
        Decision::Deny(_) | Decision::Unknown(_) => return Err(refused(link, &name, &decision, said)),
        Decision::NotAllowed if link == LinkKind::TrustPolicy || cross || !identity_allows => {
            return Err(refused(link, &name, &decision, said));
        }
        Decision::Allow(sid) => {
            steps.push(step(link, format!("{name} allows {} by {} (statement `{sid}`)", said.action, said.who)));
        }
        Decision::NotAllowed => {}
    }
    // across accounts (or a trust naming only the account) the caller's
    // own policy must allow it too
    let needs_identity = cross || (link == LinkKind::TrustPolicy && !names_caller(policy, req));
    if needs_identity && !identity_allows && caller_account.is_some() {
        return Err(no_identity());
    }
    Ok(())
}

fn link_noun(link: LinkKind) -> &'static str {
    match link {
        LinkKind::TrustPolicy => "trust policy",
        _ => "resource policy",
    }
}

/// Whether a trust policy names the caller's role itself (not its account).
fn names_caller(policy: &PolicyDocument, req: &Request<'_>) -> bool {
    let Caller::Role { arn, .. } = req.caller else { return false };
    policy.statements.iter().any(|s| s.principal.as_ref().is_some_and(|p| p.aws.iter().any(|a| req.resolve(a) == *arn)))
}

fn refused(link: LinkKind, policy: &str, d: &Decision, said: &Said) -> Verdict {
    let (action, who) = (&said.action, &said.who);
    match d {
        Decision::Unknown(why) => {
            Verdict::Unknown(step(link, format!("{policy} cannot be decided for {action} by {who}: {why}")))
        }
        Decision::Deny(sid) => {
            Verdict::Refused(step(link, format!("{policy} denies {action} by {who} (statement `{sid}`)")))
        }
        Decision::NotAllowed | Decision::Allow(_) => {
            Verdict::Refused(step(link, format!("{policy} does not allow {action} by {who}: no statement applies")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::request::{Action, Context};
    use crate::policy::{Principal, Statement};

    fn role(account: &str, name: &str) -> Caller {
        Caller::Role { arn: format!("arn:aws:iam::{account}:role/{name}"), account: account.to_owned() }
    }

    fn assume(resource: &str) -> PolicyDocument {
        PolicyDocument::new(vec![Statement::allow("Assume", &["sts:AssumeRole"], vec![resource.to_owned()])])
    }

    fn trusting(principal: &str) -> PolicyDocument {
        PolicyDocument::new(vec![Statement::assume_role(Principal::aws(vec![principal.to_owned()]))])
    }

    const TARGET: &str = "arn:aws:iam::111111111111:role/invoker";

    #[test]
    fn across_accounts_both_the_identity_and_the_trust_policy_must_allow() {
        let caller = role("222222222222", "app");
        let ctx = Context::default();
        let req = Request::new(&caller, Action::Exact("sts:AssumeRole"), TARGET, &ctx);
        let trust = trusting("arn:aws:iam::222222222222:root");
        let target = Target::Trust { policy: &trust, account: "111111111111", what: "role `invoker`" };
        let allow = assume(TARGET);
        let both = authorize(&req, &Policies { endpoint: None, identity: Identity::Policy("app", &allow), target });
        assert!(matches!(both, Verdict::Allowed(_)), "{both:?}");
        let elsewhere = assume("arn:aws:iam::111111111111:role/other");
        let no_identity =
            authorize(&req, &Policies { endpoint: None, identity: Identity::Policy("app", &elsewhere), target });
        assert!(matches!(&no_identity, Verdict::Refused(s) if s.link == LinkKind::IdentityPolicy), "{no_identity:?}");
        let other_trust = trusting("arn:aws:iam::333333333333:root");
        let no_trust = authorize(
            &req,
            &Policies {
                endpoint: None,
                identity: Identity::Policy("app", &allow),
                target: Target::Trust { policy: &other_trust, account: "111111111111", what: "role `invoker`" },
            },
        );
        assert!(matches!(&no_trust, Verdict::Refused(s) if s.link == LinkKind::TrustPolicy), "{no_trust:?}");
    }

    #[test]
    fn the_endpoint_policy_is_evaluated_besides_the_others() {
        let caller = Caller::Anonymous;
        let ctx = Context::default();
        let req =
            Request::new(&caller, Action::Exact("execute-api:Invoke"), "arn:aws:execute-api:us-east-1:1:api/*", &ctx);
        let org_only = PolicyDocument::new(vec![
            Statement::allow("Org", &["*"], vec!["*".into()]).principal(Principal::any()).when(
                "StringEquals",
                "aws:PrincipalOrgID",
                vec!["o-1".into()],
            ),
        ]);
        let api = PolicyDocument::new(vec![
            Statement::allow("Any", &["execute-api:Invoke"], vec!["*".into()]).principal(Principal::any()),
        ]);
        let target = Target::Resource { policy: &api, account: "1", what: "the private API" };
        let v = authorize(
            &req,
            &Policies { endpoint: Some(("hub/execute-api", &org_only)), identity: Identity::NotLinkplans, target },
        );
        // an anonymous caller has no aws:PrincipalOrgID: the endpoint refuses it
        assert!(matches!(&v, Verdict::Refused(s) if s.link == LinkKind::EndpointPolicy), "{v:?}");
        let v = authorize(
            &req,
            &Policies { endpoint: Some(("hub/execute-api", &api)), identity: Identity::NotLinkplans, target },
        );
        assert!(matches!(v, Verdict::Allowed(ref steps) if steps.len() == 2), "{v:?}");
    }

    #[test]
    fn in_one_account_a_trust_naming_the_caller_suffices_but_one_naming_the_account_does_not() {
        let caller = role("111111111111", "portal");
        let ctx = Context::default();
        let req = Request::new(&caller, Action::Exact("sts:AssumeRole"), TARGET, &ctx);
        let by_arn = trusting("arn:aws:iam::111111111111:role/portal");
        let by_account = trusting("arn:aws:iam::111111111111:root");
        let nothing = PolicyDocument::default();
        let target = |p| Target::Trust { policy: p, account: "111111111111", what: "role `invoker`" };
        assert!(matches!(
            authorize(
                &req,
                &Policies { endpoint: None, identity: Identity::Policy("portal", &nothing), target: target(&by_arn) }
            ),
            Verdict::Allowed(_)
        ));
        assert!(matches!(
            authorize(&req, &Policies { endpoint: None, identity: Identity::Policy("portal", &nothing), target: target(&by_account) }),
            Verdict::Refused(ref s) if s.link == LinkKind::IdentityPolicy
        ));
    }
}
