//! The live checks against a moto server on 127.0.0.1: resources seeded in
//! two accounts (moto maps AssumeRole credentials to the role's account),
//! then `linkplan_live::check` reads them through aws-sdk-ec2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use linkplan_core::catalog::{self, EndpointKind};
use linkplan_core::{Diagnostic, Input, Plan, Text};
use linkplan_live::{ErrorKind, LiveError, Options};
use std::collections::BTreeSet;
use std::time::Duration;

fn options(moto_port: u16) -> Options {
    Options {
        region: Some("us-east-1".to_owned()),
        endpoint_url: Some(format!("http://127.0.0.1:{moto_port}")),
        caller_keys: Some(("testing".to_owned(), "testing".to_owned())),
        timeout: Duration::from_secs(20),
        max_attempts: 2,
        ..Options::default()
    }
}

fn plan_of(topology: &str) -> Plan {
    let outcome = linkplan_core::run(&Input { topology: Text { file: "topology.yaml", text: topology }, lock: None });
    outcome.plan.unwrap_or_else(|| panic!("the test topology is invalid: {:?}", outcome.diagnostics))
}

fn live(topology: &str, options: &Options) -> Result<Vec<Diagnostic>, LiveError> {
    linkplan_live::check(Text { file: "topology.yaml", text: topology }, &plan_of(topology), options)
}

fn codes(d: &[Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn a_clean_topology_passes_and_default_vpcs_are_not_reported() {
    let Some(moto) = Moto::start() else { return };
    let found = live(TOPOLOGY, &options(moto.port)).unwrap();
    assert!(found.is_empty(), "{found:#?}");

    // the default VPCs were read: a planned VPC on 172.31.0.0/16 meets them
    let on_default = TOPOLOGY.replace("cidr: 10.1.0.0/16", "cidr: 172.31.0.0/16");
    let found = live(&on_default, &options(moto.port)).unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(|d| d.code == "LP022" && d.message.contains("the default VPC")), "{found:#?}");
    assert!(found.iter().any(|d| d.message.contains("account app (222222222222), us-east-1")), "{found:#?}");
}

#[test]
fn overlapping_vpcs_in_two_accounts_are_found_with_their_ids() {
    let Some(moto) = Moto::start() else { return };
    let net = account_key(&moto, "111111111111");
    let app = account_key(&moto, "222222222222");
    let by_hand = create_vpc(&moto, &net, "us-east-1", "10.0.128.0/17", Some("by-hand"));
    let elsewhere = create_vpc(&moto, &app, "us-west-2", "10.50.0.0/16", None);
    add_cidr(&moto, &app, "us-west-2", &elsewhere, "10.2.16.0/20");
    let unrelated = create_vpc(&moto, &app, "us-east-1", "10.60.0.0/16", None);

    let found = live(TOPOLOGY, &options(moto.port)).unwrap();
    assert_eq!(codes(&found), ["LP022", "LP022"], "{found:#?}");
    let hub = &found[0];
    assert!(hub.message.contains(&by_hand) && hub.message.contains("10.0.128.0/17"), "{}", hub.message);
    assert!(
        hub.message.contains("account net (111111111111), us-east-1") && hub.message.contains("`by-hand`"),
        "{}",
        hub.message
    );
    assert_eq!((hub.line, hub.path.as_deref()), (10, Some("/vpcs/hub/cidr")));
    let west = &found[1];
    assert!(west.message.contains(&elsewhere) && west.message.contains("(10.2.16.0/20)"), "{}", west.message);
    assert!(
        west.message.contains("an extra CIDR block") && west.message.contains("account app (222222222222), us-west-2")
    );
    assert_eq!(west.path.as_deref(), Some("/vpcs/app-west/cidr"));
    assert!(found.iter().all(|d| !d.message.contains(&unrelated)));
}

#[test]
fn a_deployed_planned_vpc_is_recognised_but_a_look_alike_is_not() {
    let Some(moto) = Moto::start() else { return };
    let net = account_key(&moto, "111111111111");
    let app = account_key(&moto, "222222222222");
    // the plan's own VPC, deployed: its Name tag and CIDR, with its endpoint
    let hub = create_vpc(&moto, &net, "us-east-1", "10.0.0.0/16", Some("hub"));
    create_endpoint(&moto, &net, "us-east-1", &hub, "com.amazonaws.us-east-1.sts");
    assert!(live(TOPOLOGY, &options(moto.port)).unwrap().is_empty());

    // the same name in another account is someone else's VPC
    let look_alike = create_vpc(&moto, &app, "us-east-1", "10.0.0.0/24", Some("hub"));
    let found = live(TOPOLOGY, &options(moto.port)).unwrap();
    assert_eq!(codes(&found), ["LP022"], "{found:#?}");
    assert!(found[0].message.contains(&look_alike));
}

#[test]
fn existing_transit_gateways_and_endpoints_the_plan_duplicates_are_warnings() {
    let Some(moto) = Moto::start() else { return };
    let net = account_key(&moto, "111111111111");
    let tgw = create_tgw(&moto, &net, "us-east-1");
    let other = create_vpc(&moto, &net, "us-east-1", "10.90.0.0/16", None);
    let vpce = create_endpoint(&moto, &net, "us-east-1", &other, "com.amazonaws.us-east-1.sts");

    let found = live(TOPOLOGY, &options(moto.port)).unwrap();
    assert_eq!(codes(&found), ["LP060", "LP060"], "{found:#?}");
    assert!(found.iter().all(|d| d.severity == linkplan_core::Severity::Warning));
    let on_transit = found.iter().find(|d| d.path.as_deref() == Some("/transit/owner")).unwrap();
    assert!(
        on_transit.message.contains(&tgw) && on_transit.message.contains("tgw/us-east-1"),
        "{}",
        on_transit.message
    );
    let on_endpoint = found.iter().find(|d| d.path.as_deref() == Some("/endpoints/0/services/0")).unwrap();
    assert!(on_endpoint.message.contains(&vpce) && on_endpoint.message.contains(&other), "{}", on_endpoint.message);
}

#[test]
fn az_ids_the_account_lacks_are_lp013() {
    let Some(moto) = Moto::start() else { return };
    // the core's table knows euw2-az4 (AWS opened it in 2024); moto's
    // eu-west-2 does not list it, so moto plays an account without it
    let zones = query(moto.port, "testing", "ec2", "eu-west-2", "Action=DescribeAvailabilityZones");
    assert!(
        zones.contains("<zoneId>euw2-az1</zoneId>") && !zones.contains("<zoneId>euw2-az4</zoneId>"),
        "moto's eu-west-2 changed: {zones}"
    );
    let topology = TOPOLOGY.replacen(
        "region: us-west-2\n    cidr: 10.2.0.0/16\n    azs: [usw2-az1, usw2-az2]",
        "region: eu-west-2\n    cidr: 10.2.0.0/16\n    azs: [euw2-az1, euw2-az4]",
        1,
    );
    assert_ne!(topology, TOPOLOGY);
    let found = live(&topology, &options(moto.port)).unwrap();
    let lp013: Vec<_> = found.iter().filter(|d| d.code == "LP013").collect();
    assert_eq!(lp013.len(), 1, "{found:#?}");
    assert_eq!(lp013[0].path.as_deref(), Some("/vpcs/app-west/azs/1"), "{found:#?}");
    assert!(lp013[0].message.contains("euw2-az4"), "{}", lp013[0].message);
}

#[test]
fn an_unreachable_endpoint_is_an_error_and_no_finding() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut o = options(port);
    o.max_attempts = 1;
    let err = live(TOPOLOGY, &o).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unreachable, "{err}");
    assert!(err.message.contains("STS") && err.message.contains("unreachable"), "{err}");
}

#[test]
fn an_unknown_account_in_the_options_is_a_usage_error() {
    let mut o = options(1);
    o.account_roles.insert("nope".to_owned(), "Auditor".to_owned());
    let err = live(TOPOLOGY, &o).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Usage);
    assert!(err.message.contains("no account `nope`") && err.message.contains("app, net"), "{err}");
}

/// The service names of a DescribeVpcEndpointServices answer, read from
/// moto's XML here, apart from the SDK the live crate reads it with.
fn moto_services(moto: &Moto, region: &str) -> BTreeSet<String> {
    let xml = query(moto.port, "testing", "ec2", region, "Action=DescribeVpcEndpointServices");
    xml.split("<serviceName>").skip(1).filter_map(|s| s.split('<').next()).map(str::to_owned).collect()
}

#[test]
fn the_catalog_is_compared_with_what_each_region_offers() {
    let Some(moto) = Moto::start() else { return };
    let topology = TOPOLOGY.replace("services: [sts]", "services: [sts, bedrock-agentcore]");
    let reports = linkplan_live::catalog_reports(&plan_of(&topology), &options(moto.port)).unwrap();
    let whose: Vec<(&str, &str)> = reports.iter().map(|r| (r.account.as_str(), r.region.as_str())).collect();
    // net also owns the transit gateway in us-west-2
    assert_eq!(whose, [("app", "us-east-1"), ("app", "us-west-2"), ("net", "us-east-1"), ("net", "us-west-2")]);

    for r in &reports {
        let offered = moto_services(&moto, &r.region);
        assert_eq!(r.offered_count, offered.len());
        let known: BTreeSet<String> = catalog::all().iter().map(|s| s.service_name(&r.region)).collect();
        let unknown: Vec<&String> =
            offered.iter().filter(|n| !known.contains(*n) && !n.contains("vpce-svc-")).collect();
        assert!(!unknown.is_empty(), "moto lists services the catalog does not have (retired ones among them)");
        assert_eq!(r.unknown.iter().collect::<Vec<_>>(), unknown, "{}", r.region);
        let missing: Vec<&str> = catalog::all()
            .iter()
            .filter(|s| s.offered_in(&r.region) && !offered.contains(&s.service_name(&r.region)))
            .map(|s| s.short)
            .collect();
        assert_eq!(r.not_offered.iter().map(|s| s.short.as_str()).collect::<Vec<_>>(), missing, "{}", r.region);
        // moto offers each service in every AZ of the region
        assert!(r.azs.is_empty(), "{:#?}", r.azs);
    }

    let net = &reports[2];
    let agentcore = net.not_offered.iter().find(|s| s.short == "bedrock-agentcore").unwrap();
    assert!(agentcore.planned, "the hub plans it");
    assert!(!net.not_offered.iter().any(|s| s.short == "sts"));
    // moto offers DynamoDB as a gateway endpoint only
    let ddb = net.kinds.iter().find(|k| k.service.short == "dynamodb-interface").unwrap();
    assert_eq!((ddb.catalog, ddb.offered.as_slice()), (EndpointKind::Interface, &[EndpointKind::Gateway][..]));
    // moto writes MWAA's names from its pattern; the catalog follows botocore
    let airflow = net.names.iter().find(|n| n.service.short == "airflow.api").unwrap();
    assert_eq!(airflow.unanswered, ["airflow.api.us-east-1.amazonaws.com"]);
    assert_eq!(airflow.catalog, ["api.airflow.us-east-1.amazonaws.com"]);
    assert!(!net.names.iter().any(|n| n.service.short == "sts"), "{:#?}", net.names);
    let total: usize = reports.iter().map(linkplan_live::RegionReport::differences).sum();
    assert!(total > 0);
}
