//! The service catalog against moto's DescribeVpcEndpointServices for
//! us-east-1: every service moto lists is in the catalog under the same
//! service name, and the catalog answers moto's private DNS name, except
//! where AWS's documentation and moto disagree (listed, with sources).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::moto::Moto;
use linkplan_core::catalog;

/// Where the documentation wins over moto's generated name.
const DOC_EXCEPTIONS: &[(&str, &str)] = &[
    // SageMaker AI docs: runtime.sagemaker.<r>.amazonaws.com
    ("sagemaker.runtime", "runtime.sagemaker.us-east-1.amazonaws.com"),
    ("sagemaker.runtime-fips", "runtime-fips.sagemaker.us-east-1.amazonaws.com"),
    // API Gateway docs: private APIs are <api-id>.execute-api.<r>.amazonaws.com,
    // served by a wildcard; moto gives only the apex name
    ("execute-api", "*.execute-api.us-east-1.amazonaws.com"),
];

#[test]
fn the_catalog_covers_motos_services_and_names() {
    let Some(moto) = Moto::start() else { return };
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
    for item in &items {
        let name = text(item, "serviceName").unwrap();
        let service = catalog::all().iter().find(|s| s.service_name("us-east-1") == name);
        let service = service.unwrap_or_else(|| panic!("moto lists {name}, which the catalog lacks"));
        let Some(dns) = text(item, "privateDnsName") else { continue };
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
        if let Some((_, documented)) = DOC_EXCEPTIONS.iter().find(|(s, _)| *s == service.short) {
            assert!(answered.contains(&(*documented).to_owned()), "{}: {answered:?}", service.short);
            assert!(
                !answered.contains(&dns),
                "{}: the exception is stale, the catalog now follows moto",
                service.short
            );
        } else {
            assert!(answered.contains(&dns), "{}: moto says {dns}, the catalog answers {answered:?}", service.short);
        }
        checked += 1;
    }
    assert!(checked > 200, "only {checked} DNS names compared");
}
