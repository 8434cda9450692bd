//! The service catalog against moto's DescribeVpcEndpointServices for
//! us-east-1, a second witness beside `catalog_sources.rs` (botocore and
//! aws-cdk-lib): every service moto lists is in the catalog under the same
//! service name, unless AWS retired it or no source but moto names it
//! (`retired`, `not_in_cdk` in core/scripts/catalog_overrides.json); and the catalog answers moto's
//! private DNS name, except where moto writes its name from the pattern
//! `<short>.<region>.amazonaws.com` and the catalog follows botocore or
//! AWS's documentation (listed below, each with its source).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::moto::Moto;
use linkplan_core::catalog;

/// Where the catalog's name and moto's differ: (short name, the name the
/// catalog answers instead, its source).
const MOTO_DIFFERS: &[(&str, &str, &str)] = &[
    ("airflow.api", "api.airflow.us-east-1.amazonaws.com", "botocore mwaa hostPrefix `api.`"),
    ("airflow.env", "env.airflow.us-east-1.amazonaws.com", "botocore mwaa hostPrefix `env.`"),
    ("airflow.ops", "ops.airflow.us-east-1.amazonaws.com", "botocore mwaa hostPrefix `ops.`"),
    ("appstream.api", "appstream2.us-east-1.amazonaws.com", "botocore: appstream's endpoint prefix is appstream2"),
    (
        "appsync-api",
        "*.appsync-api.us-east-1.amazonaws.com",
        "core/scripts/catalog_overrides.json: AppSync private APIs page",
    ),
    ("codeartifact.api", "codeartifact.us-east-1.amazonaws.com", "botocore codeartifact rule set"),
    (
        "codeartifact.repositories",
        "*.d.codeartifact.us-east-1.amazonaws.com",
        "core/scripts/catalog_overrides.json: Use CodeArtifact from a VPC",
    ),
    (
        "codestar-connections.api",
        "codestar-connections.us-east-1.amazonaws.com",
        "botocore codestar-connections rule set",
    ),
    (
        "console",
        "us-east-1.console.aws.amazon.com",
        "core/scripts/catalog_overrides.json: Console Private Access DNS page",
    ),
    ("datazone", "datazone.us-east-1.api.aws", "botocore datazone rule set"),
    ("eks-auth", "eks-auth.us-east-1.api.aws", "botocore eks-auth rule set"),
    (
        "execute-api",
        "*.execute-api.us-east-1.amazonaws.com",
        "core/scripts/catalog_overrides.json: API Gateway private APIs",
    ),
    ("iotsitewise.api", "api.iotsitewise.us-east-1.amazonaws.com", "botocore iotsitewise hostPrefix `api.`"),
    ("iotsitewise.data", "data.iotsitewise.us-east-1.amazonaws.com", "botocore iotsitewise hostPrefix `data.`"),
    ("iottwinmaker.api", "api.iottwinmaker.us-east-1.amazonaws.com", "botocore iottwinmaker hostPrefix `api.`"),
    ("iottwinmaker.data", "data.iottwinmaker.us-east-1.amazonaws.com", "botocore iottwinmaker hostPrefix `data.`"),
    (
        "iotwireless.api",
        "api.iotwireless.us-east-1.amazonaws.com",
        "botocore iotwireless endpoint prefix api.iotwireless",
    ),
    ("memorydb-fips", "memory-db-fips.us-east-1.amazonaws.com", "botocore endpoints.json memory-db FIPS host"),
    (
        "payment-cryptography.controlplane",
        "controlplane.payment-cryptography.us-east-1.amazonaws.com",
        "botocore endpoint prefix",
    ),
    (
        "payment-cryptography.dataplane",
        "dataplane.payment-cryptography.us-east-1.amazonaws.com",
        "botocore endpoint prefix",
    ),
    (
        "pinpoint-sms-voice-v2",
        "sms-voice.us-east-1.amazonaws.com",
        "botocore pinpoint-sms-voice-v2 endpoint prefix sms-voice",
    ),
    ("rum-dataplane", "dataplane.rum.us-east-1.amazonaws.com", "botocore rum hostPrefix `dataplane.`"),
    (
        "sagemaker.featurestore-runtime",
        "featurestore-runtime.sagemaker.us-east-1.amazonaws.com",
        "botocore endpoint prefix",
    ),
    ("sagemaker.metrics", "metrics.sagemaker.us-east-1.amazonaws.com", "botocore endpoint prefix"),
    (
        "sagemaker.runtime",
        "runtime.sagemaker.us-east-1.amazonaws.com",
        "botocore endpoint prefix; SageMaker AI VPC page",
    ),
    (
        "sagemaker.runtime-fips",
        "runtime-fips.sagemaker.us-east-1.amazonaws.com",
        "botocore runtime.sagemaker FIPS host",
    ),
    (
        "signin",
        "us-east-1.signin.aws.amazon.com",
        "core/scripts/catalog_overrides.json: Console Private Access DNS page",
    ),
    ("thinclient.api", "api.thinclient.us-east-1.amazonaws.com", "botocore thinclient hostPrefix `api.`"),
];

#[test]
fn the_catalog_covers_motos_services_and_names() {
    let Some(moto) = Moto::start() else { return };
    let overrides: serde_json::Value = serde_json::from_str(include_str!("../scripts/catalog_overrides.json")).unwrap();
    let left_out = |short: &str| {
        overrides["retired"]["entries"].get(short).is_some() || overrides["not_in_cdk"]["entries"].get(short).is_some()
    };
    let xml = moto.ec2("us-east-1", "Action=DescribeVpcEndpointServices");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let items: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("serviceDetailSet"))
        .flat_map(|s| s.children().filter(|c| c.has_tag_name("item")))
        .collect();
    assert!(items.len() > 200, "moto listed only {} services", items.len());
    let text = |n: &roxmltree::Node<'_, '_>, tag: &str| {
        n.children().find(|c| c.has_tag_name(tag)).and_then(|c| c.text()).map(str::to_owned)
    };
    let mut checked = 0;
    let mut differ = Vec::new();
    for item in &items {
        let name = text(item, "serviceName").unwrap();
        let Some(dns) = text(item, "privateDnsName") else { continue };
        // a service offered both ways is the interface form when moto gives a name
        let service = catalog::all()
            .iter()
            .filter(|s| s.service_name("us-east-1") == name)
            .find(|s| s.kind == catalog::EndpointKind::Interface)
            .or_else(|| catalog::all().iter().find(|s| s.service_name("us-east-1") == name));
        let Some(service) = service else {
            let short = name.trim_start_matches("com.amazonaws.us-east-1.");
            assert!(left_out(short), "moto lists {name}, which the catalog lacks and does not retire or leave out");
            continue;
        };
        if service.kind == catalog::EndpointKind::Gateway {
            continue;
        }
        let answered: Vec<String> = service
            .zones_in("us-east-1")
            .into_iter()
            .flat_map(|(zone, apex, wildcard)| {
                let mut v = Vec::new();
                if apex {
                    v.push(zone.clone());
                }
                if wildcard {
                    v.push(format!("*.{zone}"));
                }
                v
            })
            .collect();
        checked += 1;
        if answered.contains(&dns) {
            continue;
        }
        differ.push(service.short);
        match MOTO_DIFFERS.iter().find(|(s, ..)| *s == service.short) {
            Some((_, ours, _)) => assert!(answered.contains(&(*ours).to_owned()), "{}: {answered:?}", service.short),
            None => panic!("{}: moto says {dns}, the catalog answers {answered:?}", service.short),
        }
    }
    for (short, ..) in MOTO_DIFFERS {
        assert!(differ.contains(short), "{short}: the exception is stale, the catalog now agrees with moto");
    }
    assert!(checked > 200, "only {checked} DNS names compared");
}
