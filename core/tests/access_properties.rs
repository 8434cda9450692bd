//! Properties of the policy evaluator over generated policies and requests:
//! taking an `Allow` statement away, or a value out of an allowing
//! condition, never turns a refused request into an allowed one; a `Deny`
//! that applies always wins.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use linkplan_core::access::{Action, Caller, Context, Decision, PolicyKind, Request, evaluate};
use linkplan_core::policy::{Condition, Effect, PolicyDocument, Principal, Statement};
use proptest::prelude::*;

const ACCOUNTS: [&str; 2] = ["111111111111", "222222222222"];
const ACTIONS: [&str; 5] = ["sts:AssumeRole", "sts:*", "*", "lambda:InvokeFunction", "Lambda:Invoke*"];
const RESOURCES: [&str; 4] = ["*", "arn:aws:iam::111111111111:role/a", "arn:aws:iam::*:role/*", "arn:aws:lambda:*"];
const KEYS: [&str; 3] = ["aws:PrincipalAccount", "aws:SourceVpce", "aws:PrincipalOrgID"];

fn principal() -> impl Strategy<Value = Option<Principal>> {
    prop_oneof![
        Just(None),
        Just(Some(Principal::any())),
        (0usize..2).prop_map(|a| Some(Principal::aws(vec![format!("arn:aws:iam::{}:root", ACCOUNTS[a])]))),
        Just(Some(Principal::aws(vec!["arn:aws:iam::111111111111:role/caller".into()]))),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    (
        prop::sample::select(vec!["StringEquals", "StringLike", "StringNotEquals", "StringEqualsIfExists"]),
        0usize..KEYS.len(),
        prop::collection::vec(prop::sample::select(vec!["111111111111", "222222222222", "vpce-1", "o-1", "*"]), 1..3),
    )
        .prop_map(|(op, k, values)| Condition {
            operator: op.to_owned(),
            key: KEYS[k].to_owned(),
            values: values.into_iter().map(str::to_owned).collect(),
        })
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        any::<bool>(),
        principal(),
        prop::collection::vec(0usize..ACTIONS.len(), 1..3),
        prop::collection::vec(0usize..RESOURCES.len(), 1..3),
        prop::collection::vec(condition(), 0..3),
    )
        .prop_map(|(allow, principal, actions, resources, conditions)| Statement {
            sid: None,
            effect: if allow { Effect::Allow } else { Effect::Deny },
            principal,
            actions: actions.into_iter().map(|a| ACTIONS[a].to_owned()).collect(),
            resources: resources.into_iter().map(|r| RESOURCES[r].to_owned()).collect(),
            conditions,
        })
}

fn caller() -> impl Strategy<Value = Caller> {
    prop_oneof![
        Just(Caller::Anonymous),
        (0usize..2).prop_map(|a| Caller::Role {
            arn: format!("arn:aws:iam::{}:role/caller", ACCOUNTS[a]),
            account: ACCOUNTS[a].to_owned()
        }),
    ]
}

fn context(caller: &Caller, vpce: bool, org: bool) -> Context {
    let mut cx = Context::default();
    if let Caller::Role { account, .. } = caller {
        cx = cx.with("aws:PrincipalAccount", account.clone());
        if org {
            cx = cx.with("aws:PrincipalOrgID", "o-1");
        }
    }
    if vpce {
        cx = cx.with("aws:SourceVpce", "vpce-1");
    }
    cx
}

fn allowed(d: &Decision) -> bool {
    matches!(d, Decision::Allow(_))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn removing_an_allow_statement_never_allows_more(
        statements in prop::collection::vec(statement(), 1..6),
        which in any::<prop::sample::Index>(),
        caller in caller(),
        action in 0usize..2,
        resource in 0usize..3,
        vpce in any::<bool>(),
        org in any::<bool>(),
        resource_policy in any::<bool>(),
    ) {
        let kind = if resource_policy { PolicyKind::Resource } else { PolicyKind::Identity };
        let cx = context(&caller, vpce, org);
        let action = ["sts:AssumeRole", "lambda:InvokeFunction"][action];
        let resource = ["arn:aws:iam::111111111111:role/a", "arn:aws:lambda:us-east-1:1:function:f", "x"][resource];
        let req = Request::new(&caller, Action::Exact(action), resource, &cx);
        let whole = PolicyDocument { statements: statements.clone() };
        let i = which.index(statements.len());
        let mut fewer = statements.clone();
        let removed = fewer.remove(i);
        prop_assume!(removed.effect == Effect::Allow);
        let before = evaluate(&whole, &req, kind);
        let after = evaluate(&PolicyDocument { statements: fewer }, &req, kind);
        prop_assert!(!allowed(&after) || allowed(&before), "removing {removed:?} allowed {req_action}: {before:?} -> {after:?}", req_action = action);
    }

    #[test]
    fn removing_a_value_of_an_allowing_condition_never_allows_more(
        statements in prop::collection::vec(statement(), 1..5),
        which in any::<prop::sample::Index>(),
        caller in caller(),
        vpce in any::<bool>(),
        org in any::<bool>(),
    ) {
        let cx = context(&caller, vpce, org);
        let req = Request::new(&caller, Action::Exact("sts:AssumeRole"), "arn:aws:iam::111111111111:role/a", &cx);
        let whole = PolicyDocument { statements: statements.clone() };
        let i = which.index(statements.len());
        let mut narrower = statements.clone();
        let st = &mut narrower[i];
        // a positive operator: fewer values match less
        let Some(c) = st.conditions.iter_mut().find(|c| !c.operator.contains("Not") && c.values.len() > 1) else {
            return Ok(());
        };
        prop_assume!(st.effect == Effect::Allow);
        c.values.pop();
        for kind in [PolicyKind::Identity, PolicyKind::Resource] {
            let before = evaluate(&whole, &req, kind);
            let after = evaluate(&PolicyDocument { statements: narrower.clone() }, &req, kind);
            prop_assert!(!allowed(&after) || allowed(&before), "{before:?} -> {after:?}");
        }
    }

    #[test]
    fn an_applying_deny_always_wins(
        statements in prop::collection::vec(statement(), 0..5),
        caller in caller(),
        vpce in any::<bool>(),
    ) {
        let cx = context(&caller, vpce, true);
        let req = Request::new(&caller, Action::Exact("sts:AssumeRole"), "arn:aws:iam::111111111111:role/a", &cx);
        let mut with_deny = statements;
        with_deny.push(Statement::deny("No", &["sts:*"], vec!["*".into()]).principal(Principal::any()));
        for kind in [PolicyKind::Identity, PolicyKind::Resource] {
            let d = evaluate(&PolicyDocument { statements: with_deny.clone() }, &req, kind);
            prop_assert!(matches!(d, Decision::Deny(_)), "{d:?}");
        }
    }
}
