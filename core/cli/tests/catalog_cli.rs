//! `plan catalog` end to end: search, show, JSON, and its usage errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{stderr, stdout};
use std::path::Path;
use std::process::Output;

fn plan(args: &[&str]) -> Output {
    common::plan(args, Path::new("."))
}

#[test]
fn a_search_lists_every_service_whose_name_holds_the_query() {
    let o = plan(&["catalog", "Bedrock"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let (services, count) = lines.split_at(lines.len() - 1);
    assert!(services.iter().all(|l| l.contains("bedrock")), "{out}");
    assert!(
        services.iter().any(|l| l.starts_with("bedrock-runtime ") && l.contains("com.amazonaws.{r}.bedrock-runtime"))
    );
    assert_eq!(count, [format!("{} services", services.len())]);
    // without a query, every service; JSON lists the same ones
    let all = stdout(&plan(&["catalog"]));
    let json: serde_json::Value = serde_json::from_slice(&plan(&["catalog", "--format", "json"]).stdout).unwrap();
    assert_eq!(all.lines().count() - 1, json.as_array().unwrap().len());
}

#[test]
fn show_gives_one_service_for_a_region() {
    let o = plan(&["catalog", "show", "sagemaker.studio", "--region", "eu-west-1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("  service name  aws.sagemaker.eu-west-1.studio\n"), "{out}");
    assert!(out.contains("  kind          interface\n"), "{out}");
    assert!(out.contains("*.studio.eu-west-1.sagemaker.aws"), "{out}");
    assert!(out.contains("  offered here  yes\n"), "{out}");
    let json: serde_json::Value =
        serde_json::from_slice(&plan(&["catalog", "show", "s3", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["kind"], "gateway");
    assert_eq!(json["serviceName"], "com.amazonaws.{r}.s3");
    // Keyspaces listens on 9142; S3's interface form answers the global name in us-east-1 only
    let out = stdout(&plan(&["catalog", "show", "cassandra"]));
    assert!(out.contains("  ports         TCP 9142\n"), "{out}");
    let s3 = |region: &str| stdout(&plan(&["catalog", "show", "s3-interface", "--region", region]));
    assert!(s3("us-east-1").contains("s3.amazonaws.com (us-east-1 only)"));
    assert!(!s3("eu-west-1").contains("s3.amazonaws.com"), "{}", s3("eu-west-1"));
}

#[test]
fn unknown_names_and_regions_are_usage_errors_with_a_suggestion() {
    let o = plan(&["catalog", "show", "bedrok"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no service `bedrok` in the catalog; did you mean `bedrock`?"), "{}", stderr(&o));
    let o = plan(&["catalog", "zzzz-nothing"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no service matches `zzzz-nothing`"), "{}", stderr(&o));
    let o = plan(&["catalog", "sts", "--region", "eu-west-9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no region `eu-west-9`; did you mean `eu-west-1`?"), "{}", stderr(&o));
}

#[test]
fn refresh_without_live_says_how_to_refresh_and_an_invalid_topology_stops_it() {
    let (dir, _) = common::scratch("apiVersion: linkplan/v1alpha1\nname: t\n");
    let o = common::plan(&["catalog", "refresh", "topology.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("add `--live`") && err.contains("core/scripts/gen_catalog.py"), "{err}");

    // the topology is planned first: errors stop it before any AWS call
    let (dir, _) = common::scratch("apiVersion: linkplan/v1alpha1\nname: t\nvpcs:\n  a: { account: nope }\n");
    let o = common::plan(&["catalog", "refresh", "--live", "topology.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("the catalog was not compared: fix the errors above first"), "{}", stderr(&o));
}
