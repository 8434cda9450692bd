//! `plan check --live` end to end against a moto server on 127.0.0.1, and
//! its failures: no credentials, a refused role, throttling, a closed port.
//! Every run has a cleared environment: dummy keys, no metadata service,
//! nothing from the machine's AWS configuration.
#![cfg(feature = "live")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../live/tests/common/mod.rs"]
mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output};

/// `plan` with only the given AWS variables (plus dummy keys unless
/// `keys` is false).
fn plan(args: &[&str], dir: &Path, env: &[(&str, String)], keys: bool) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_plan"));
    c.args(args).current_dir(dir).env_clear().env("NO_COLOR", "1");
    c.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("no-aws-credentials"))
        .env("AWS_REGION", "us-east-1");
    if keys {
        c.env("AWS_ACCESS_KEY_ID", "testing").env("AWS_SECRET_ACCESS_KEY", "testing");
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn scratch(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("topology.yaml"), text).unwrap();
    dir
}

fn at(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const LIVE: &[&str] = &["check", "--live", "topology.yaml", "--max-attempts", "2", "--timeout-secs", "20"];

#[test]
fn check_live_passes_a_clean_topology_and_reports_an_overlap_with_its_line() {
    let Some(moto) = Moto::start() else { return };
    let dir = scratch(TOPOLOGY);
    let env = [("AWS_ENDPOINT_URL", at(moto.port))];
    let clean = plan(LIVE, dir.path(), &env, true);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert!(String::from_utf8_lossy(&clean.stdout).contains("valid: no findings"));

    let app = account_key(&moto, "222222222222");
    let vpc = create_vpc(&moto, &app, "us-east-1", "10.1.4.0/22", Some("by-hand"));
    let mut args = LIVE.to_vec();
    args.extend(["--format", "json"]);
    let found = plan(&args, dir.path(), &env, true);
    assert_eq!(found.status.code(), Some(1), "{}", stderr(&found));
    let v: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(v["valid"], false);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64(), d["path"].as_str()),
        (Some("LP022"), Some(15), Some("/vpcs/app/cidr"))
    );
    let message = d["message"].as_str().unwrap();
    assert!(message.contains(&vpc) && message.contains("account app (222222222222), us-east-1"), "{message}");

    // text: file:line and the code frame, like `plan validate`
    let text = plan(LIVE, dir.path(), &env, true);
    assert_eq!(text.status.code(), Some(1));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("LP022") && out.contains("topology.yaml:15:"), "{out}");
}

#[test]
fn check_without_live_is_the_offline_check() {
    let dir = scratch(TOPOLOGY);
    let o = plan(&["check", "topology.yaml"], dir.path(), &[("AWS_ENDPOINT_URL", at(9))], true);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn no_credentials_exit_2_with_a_clear_message() {
    let Some(moto) = Moto::start() else { return };
    let dir = scratch(TOPOLOGY);
    let o = plan(LIVE, dir.path(), &[("AWS_ENDPOINT_URL", at(moto.port))], false);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no AWS credentials"), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "no finding is printed");
}

#[test]
fn a_refused_role_exits_2_naming_the_account_and_role() {
    // moto's AssumeRole grants any role, so STS is a local stub that answers
    // GetCallerIdentity and refuses AssumeRole with 403 AccessDenied
    let Some(moto) = Moto::start() else { return };
    let sts = Stub::start(sts_refusing_roles);
    let dir = scratch(TOPOLOGY);
    let env = [("AWS_ENDPOINT_URL", at(moto.port)), ("AWS_ENDPOINT_URL_STS", at(sts.port))];
    let mut args = LIVE.to_vec();
    args.extend(["--account-role", "app=Auditor"]);
    let o = plan(&args, dir.path(), &env, true);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("cannot assume role arn:aws:iam::"), "{err}");
    assert!(
        err.contains("arn:aws:iam::222222222222:role/Auditor in account app (222222222222)")
            || err
                .contains("arn:aws:iam::111111111111:role/OrganizationAccountAccessRole in account net (111111111111)"),
        "{err}"
    );
    assert!(err.contains("AccessDenied"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(sts.hits() >= 2);
}

#[test]
fn throttling_after_the_retries_exits_2() {
    let Some(moto) = Moto::start() else { return };
    let ec2 = Stub::start(ec2_throttling);
    let dir = scratch(TOPOLOGY);
    let env = [("AWS_ENDPOINT_URL", at(moto.port)), ("AWS_ENDPOINT_URL_EC2", at(ec2.port))];
    let o = plan(LIVE, dir.path(), &env, true);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("still throttled after 2 attempts (RequestLimitExceeded"), "{err}");
    assert!(err.contains("EC2 DescribeAvailabilityZones failed in account "), "{err}");
    assert!(ec2.hits() >= 2, "retried: {} requests", ec2.hits());
}

#[test]
fn a_closed_port_exits_2_as_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = scratch(TOPOLOGY);
    let o = plan(LIVE, dir.path(), &[("AWS_ENDPOINT_URL", at(port))], true);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("unreachable"), "{}", stderr(&o));
}

#[test]
fn an_unknown_account_override_is_a_usage_error() {
    let dir = scratch(TOPOLOGY);
    let o = plan(&["check", "--live", "topology.yaml", "--account-profile", "nope=x"], dir.path(), &[], true);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no account `nope`"), "{}", stderr(&o));
    let bad = plan(&["check", "--live", "topology.yaml", "--account-role", "app"], dir.path(), &[], true);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("NAME=VALUE"), "{}", stderr(&bad));
}

#[test]
fn catalog_refresh_reports_what_the_regions_offer_differently() {
    let Some(moto) = Moto::start() else { return };
    let dir = scratch(TOPOLOGY);
    let env = [("AWS_ENDPOINT_URL", at(moto.port))];
    let args = ["catalog", "refresh", "--live", "topology.yaml", "--max-attempts", "2"];
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let o = plan(&json_args, dir.path(), &env, true);
    // moto lacks many services the catalog has: differences, exit 1
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let regions = v["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 4, "net and app, each in us-east-1 and us-west-2");
    let count = |r: &serde_json::Value| -> u64 {
        ["notOffered", "offeredUnlisted", "kinds", "azs", "names", "unknown"]
            .iter()
            .map(|k| r[*k].as_array().unwrap().len() as u64)
            .sum()
    };
    assert_eq!(v["differences"].as_u64(), Some(regions.iter().map(count).sum()));
    let net = regions.iter().find(|r| r["account"] == "net" && r["region"] == "us-east-1").unwrap();
    assert!(net["notOffered"].as_array().unwrap().iter().any(|s| s["short"] == "bedrock-agentcore"));
    assert!(
        net["names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["short"] == "airflow.api" && s["unanswered"][0] == "airflow.api.us-east-1.amazonaws.com")
    );

    let text = plan(&args, dir.path(), &env, true);
    assert_eq!(text.status.code(), Some(1), "{}", stderr(&text));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("account net (111111111111), us-east-1: "), "{out}");
    assert!(out.contains("  in the catalog for this region, not offered here: "), "{out}");
    assert!(out.contains("    airflow.api (com.amazonaws.us-east-1.airflow.api): airflow.api.us-east-1.amazonaws.com (the catalog answers api.airflow.us-east-1.amazonaws.com)"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with(&format!("{} differences from the catalog in 4 account × regions", v["differences"])),
        "{last}"
    );
}
