//! The service catalog against its sources, read from this machine without
//! network: aws-cdk-lib's endpoint service lists in node_modules (the set
//! of services, their kinds and ports) and botocore's data in .venv (the
//! host names and the regions that offer each service). Every difference
//! must be an entry of core/scripts/catalog_overrides.json, which names its
//! AWS page (or, for a retired service, why it went). A last test reruns
//! the generator over the same sources: the committed catalog is what they
//! give today.
//!
//! test/all.sh installs both before the Rust tests run. Elsewhere, without
//! them, the tests say so and pass, unless `CI` or `LINKPLAN_REQUIRE_MOTO`
//! is set (as test/all.sh and CI do), where a missing source fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use linkplan_core::catalog::{self, EndpointKind};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn overrides() -> Value {
    serde_json::from_str(include_str!("../scripts/catalog_overrides.json")).unwrap()
}

/// A source that is not installed: fail where the sources must be there.
fn absent(what: &str) {
    let required = std::env::var("CI").is_ok_and(|v| v == "true") || std::env::var("LINKPLAN_REQUIRE_MOTO").is_ok();
    assert!(!required, "{what} is not installed; test/all.sh sets it up (.venv from test/requirements.txt, npm ci)");
    eprintln!("SKIPPED: {what} is not installed; run the tests through test/all.sh");
}

fn botocore_data() -> Option<PathBuf> {
    let lib = root().join(".venv/lib");
    let python = std::fs::read_dir(&lib)
        .ok()?
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("python"))?;
    let data = python.path().join("site-packages/botocore/data");
    data.join("endpoints.json").exists().then_some(data)
}

fn cdk_js() -> Option<String> {
    std::fs::read_to_string(root().join("node_modules/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.js")).ok()
}

/// CDK's services: service name template (`{r}` for the region) → (kind, port).
fn cdk_services(js: &str) -> BTreeMap<(String, EndpointKind), u16> {
    let mut out = BTreeMap::new();
    for (marker, kind) in [
        ("=new InterfaceVpcEndpointAwsService(", EndpointKind::Interface),
        ("=new GatewayVpcEndpointAwsService(", EndpointKind::Gateway),
    ] {
        for (at, _) in js.match_indices(marker) {
            let args = &js[at + marker.len()..];
            let args = &args[..args.find(')').unwrap()];
            let parts: Vec<&str> = args.split(',').map(str::trim).collect();
            let name = parts[0].trim_matches('"');
            let prefix = parts.get(1).map(|p| p.trim_matches('"')).filter(|p| !p.is_empty()).unwrap_or("com.amazonaws");
            let port = parts.get(2).and_then(|p| p.parse().ok()).unwrap_or(443);
            let template =
                if args.contains("global:!0") { format!("{prefix}.{name}") } else { format!("{prefix}.{{r}}.{name}") };
            out.insert((template, kind), port);
        }
    }
    out
}

/// Whether the overrides retire a CDK service, by its short name (the
/// generator's rule: the name after the region, `sagemaker.` before
/// SageMaker's `aws.sagemaker` names).
fn retired(over: &Value, template: &str) -> bool {
    let short = [
        ("aws.sagemaker.{r}.", "sagemaker."),
        ("com.amazonaws.{r}.", ""),
        ("aws.api.{r}.", ""),
        ("com.amazonaws.", ""),
        ("aws.api.global.", ""),
    ]
    .iter()
    .find_map(|(p, add)| template.strip_prefix(p).map(|rest| format!("{add}{rest}")))
    .unwrap_or_else(|| template.to_owned());
    over["retired"]["entries"].get(&short).is_some()
}

#[test]
fn every_cdk_service_is_in_the_catalog_with_its_kind_and_ports() {
    let Some(js) = cdk_js() else { return absent("aws-cdk-lib (node_modules)") };
    let over = overrides();
    let cdk = cdk_services(&js);
    assert!(cdk.len() > 380, "read only {} services from aws-cdk-lib", cdk.len());
    let mut missing = Vec::new();
    for ((template, kind), port) in &cdk {
        let found = catalog::all().iter().find(|s| s.name == template && s.kind == *kind);
        let Some(s) = found else {
            if !retired(&over, template) {
                missing.push(format!("{template} ({kind:?})"));
            }
            continue;
        };
        match over["ports"]["entries"].get(s.short) {
            Some(o) => {
                assert!(
                    o["source"].as_str().is_some_and(|u| u.starts_with("https://")),
                    "{}: a port override names its page",
                    s.short
                );
                let want: Vec<u16> = o["ports"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| u16::try_from(p.as_u64().unwrap()).unwrap())
                    .collect();
                assert_eq!(s.ports, want, "{}: the override's ports", s.short);
            }
            None => assert_eq!(s.ports, [*port], "{}: CDK's port", s.short),
        }
    }
    assert!(missing.is_empty(), "CDK lists services the catalog lacks and does not retire: {missing:?}");
    // and the other way: every catalog entry is CDK's, or a documented extra
    let extras: BTreeSet<&str> =
        over["extra_services"]["entries"].as_array().unwrap().iter().map(|e| e[1].as_str().unwrap()).collect();
    for s in catalog::all() {
        if extras.contains(s.name) {
            continue;
        }
        assert!(
            cdk.contains_key(&(s.name.to_owned(), s.kind)),
            "{} ({}, {:?}) is not in CDK's lists",
            s.short,
            s.name,
            s.kind
        );
    }
}

#[test]
fn every_override_names_its_source() {
    let over = overrides();
    for (short, o) in over["names"]["entries"].as_object().unwrap() {
        let url = o["source"].as_str().unwrap_or("");
        assert!(
            url.starts_with("https://docs.aws.amazon.com/"),
            "{short}: a name override names its AWS page, not `{url}`"
        );
        assert!(catalog::service(short).is_some(), "{short}: an override of a service the catalog lacks");
    }
    for section in ["retired", "unverified", "not_in_cdk"] {
        for (short, why) in over[section]["entries"].as_object().unwrap() {
            assert!(why.as_str().is_some_and(|w| w.len() > 10), "{section} {short}: say why");
            let in_catalog = catalog::service(short).is_some();
            assert_eq!(in_catalog, section == "unverified", "{section} {short}: in the catalog is {in_catalog}");
        }
    }
}

/// The commercial regions and, per endpoints.json service, the ones it lists.
struct Endpoints {
    regions: BTreeSet<String>,
    services: BTreeMap<String, BTreeSet<String>>,
}

fn endpoints(data: &Path) -> Endpoints {
    let ep: Value = serde_json::from_str(&std::fs::read_to_string(data.join("endpoints.json")).unwrap()).unwrap();
    let aws = ep["partitions"].as_array().unwrap().iter().find(|p| p["partition"] == "aws").unwrap();
    let regions: BTreeSet<String> = aws["regions"].as_object().unwrap().keys().cloned().collect();
    let mut services = BTreeMap::new();
    for (name, svc) in aws["services"].as_object().unwrap() {
        let eps = svc["endpoints"].as_object().unwrap();
        let listed: BTreeSet<String> = eps
            .iter()
            .filter(|(r, e)| regions.contains(*r) && e.get("deprecated").is_none())
            .map(|(r, _)| r.clone())
            .collect();
        services.insert(name.clone(), listed);
    }
    Endpoints { regions, services }
}

#[test]
fn region_sets_agree_with_botocore() {
    let Some(data) = botocore_data() else { return absent("botocore (.venv)") };
    let ep = endpoints(&data);
    let over = overrides();
    let docs: Value = serde_json::from_str(include_str!("../scripts/service_regions.json")).unwrap();
    let mut compared = 0;
    for s in catalog::all().iter().filter(|s| s.regions_known && !s.short.ends_with("-fips")) {
        let base = s.short.trim_end_matches("-interface");
        // the endpoints.json service: the override's, the apex label's or the short name's
        let of = over["names"]["entries"].get(s.short).and_then(|o| o["regionsOf"].as_str()).map(str::to_owned);
        // `api.airflow` is botocore's `airflow` with a hostPrefix; `ecr.api` its `api.ecr`
        let label = s.zones.first().and_then(|z| z.name.split(".{r}.").next()).unwrap_or(base);
        let suffixes = label.match_indices('.').map(|(i, _)| label[i + 1..].to_owned());
        let reversed = base.rsplit('.').collect::<Vec<_>>().join(".");
        let key = of
            .into_iter()
            .chain([label.to_owned()])
            .chain(suffixes)
            .chain([base.to_owned(), reversed])
            .find(|k| ep.services.get(k).is_some_and(|r| !r.is_empty()));
        let ours: BTreeSet<String> = match s.regions {
            Some(rs) => rs.iter().map(|r| (*r).to_owned()).collect(),
            None => ep.regions.clone(),
        };
        match key {
            Some(k) => assert_eq!(ours, ep.services[&k], "{}: regions differ from botocore's `{k}`", s.short),
            None => match docs.get(s.short) {
                Some(d) => {
                    let doc: BTreeSet<String> =
                        d.as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
                    assert_eq!(ours, doc, "{}: regions differ from service_regions.json", s.short);
                }
                None => continue,
            },
        }
        compared += 1;
    }
    assert!(compared > 200, "only {compared} region sets compared");
}

/// botocore's labels for a service's host: its endpoint prefix, and each
/// operation's hostPrefix before it (`api.iotsitewise`).
fn botocore_labels(data: &Path) -> BTreeSet<String> {
    let mut labels = BTreeSet::new();
    for dir in std::fs::read_dir(data).unwrap().filter_map(Result::ok).filter(|e| e.path().is_dir()) {
        let mut versions: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        versions.sort();
        let Some(latest) = versions.last() else { continue };
        let out = Command::new("gzip").arg("-dc").arg(latest.join("service-2.json.gz")).output().unwrap();
        let model: Value = serde_json::from_slice(&out.stdout).unwrap();
        let prefix = model["metadata"]["endpointPrefix"].as_str().unwrap().to_owned();
        for op in model["operations"].as_object().unwrap().values() {
            if let Some(hp) = op["endpoint"]["hostPrefix"].as_str().filter(|h| !h.contains('{')) {
                labels.insert(format!("{hp}{prefix}"));
            }
        }
        labels.insert(prefix);
    }
    labels
}

#[test]
fn names_are_botocores_hosts_or_documented() {
    let Some(data) = botocore_data() else { return absent("botocore (.venv)") };
    let labels = botocore_labels(&data);
    let ep = endpoints(&data);
    let over = overrides();
    let mut compared = 0;
    for s in catalog::all().iter().filter(|s| s.kind == EndpointKind::Interface) {
        if over["names"]["entries"].get(s.short).is_some() || over["unverified"]["entries"].get(s.short).is_some() {
            continue;
        }
        // a FIPS entry whose base's names are overridden takes the override's FIPS names
        let base = s.short.trim_end_matches("-fips");
        if over["names"]["entries"].get(base).is_some_and(|o| o.get("fips").is_some()) {
            continue;
        }
        let [zone] = s.zones else { panic!("{}: one name expected from botocore, found {:?}", s.short, s.zones) };
        assert!(zone.apex && !zone.wildcard && zone.only_in.is_none(), "{}: {zone:?}", s.short);
        // a global service's name has no region: `iam.amazonaws.com`
        let (label, suffix) = zone.name.split_once(".{r}.").or_else(|| zone.name.split_once('.')).unwrap();
        let suffix = suffix.trim_start_matches("global.");
        // a FIPS host puts `-fips` after its first label: `api-fips.sagemaker`
        let label = &label.replacen("-fips", "", 1);
        assert!(
            labels.contains(label.as_str()) || ep.services.contains_key(label.as_str()),
            "{}: `{}` is not a botocore host ({label} is no endpoint prefix or hostPrefix)",
            s.short,
            zone.name
        );
        assert!(["amazonaws.com", "api.aws"].contains(&suffix), "{}: {}", s.short, zone.name);
        compared += 1;
    }
    assert!(compared > 250, "only {compared} names compared");
}

#[test]
fn the_catalog_is_what_the_generator_gives_today() {
    let Some(_) = botocore_data() else { return absent("botocore (.venv)") };
    if cdk_js().is_none() {
        return absent("aws-cdk-lib (node_modules)");
    }
    let python = root().join(".venv/bin/python");
    let out = Command::new(&python).arg(root().join("core/scripts/gen_catalog.py")).output().unwrap();
    assert!(out.status.success(), "gen_catalog.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let committed = std::fs::read_to_string(root().join("core/src/catalog_data.rs")).unwrap();
    assert!(
        squash(&String::from_utf8_lossy(&out.stdout)) == squash(&committed),
        "core/src/catalog_data.rs is not what core/scripts/gen_catalog.py gives from the installed botocore and aws-cdk-lib; rerun it (docs/catalog.md)"
    );
}
