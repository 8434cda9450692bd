//! The built-in service catalog against what the accounts' regions offer
//! (`plan catalog refresh --live`): pure, no I/O.
//!
//! The catalog (`linkplan_core::catalog`) is generated from botocore and
//! aws-cdk-lib, which say which regions have a service but not which AZs,
//! what a given account sees, or which services appeared since. This
//! compares it, account × region, with `DescribeVpcEndpointServices`
//! (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpointServices.html>):
//! the services the catalog takes as offered that the region does not list,
//! and the reverse; the endpoint types offered; the AZs a service is missing
//! from (the catalog assumes every AZ of a region); the private DNS names
//! the region gives that the catalog does not answer; and the AWS services
//! the catalog does not know. It reports and changes nothing: docs/catalog.md
//! says how a report becomes a catalog change.

use crate::Target;
use crate::compare::{Observed, Offer};
use linkplan_core::Plan;
use linkplan_core::catalog::{self, EndpointKind, Service};
use serde::Serialize;
use std::collections::BTreeSet;

/// One catalog service in a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRef {
    pub short: String,
    pub service_name: String,
    /// The plan makes an endpoint of it in this account and region.
    pub planned: bool,
}

/// A service offered as other endpoint types than the catalog says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindDiff {
    #[serde(flatten)]
    pub service: ServiceRef,
    pub catalog: EndpointKind,
    pub offered: Vec<EndpointKind>,
}

/// An interface service not offered in some AZs of the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AzGap {
    #[serde(flatten)]
    pub service: ServiceRef,
    /// The account's AZ IDs where it is not offered.
    pub missing: Vec<String>,
    /// The topology's VPCs in this account and region with one of those AZs.
    pub vpcs_in_missing: Vec<String>,
}

/// Private DNS names the region gives a service that the catalog does not
/// answer (so a hub would not serve them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NameDiff {
    #[serde(flatten)]
    pub service: ServiceRef,
    /// The region's names the catalog lacks.
    pub unanswered: Vec<String>,
    /// What the catalog answers in this region (`*.` for a wildcard).
    pub catalog: Vec<String>,
}

/// One account × region against the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionReport {
    pub account: String,
    pub account_id: String,
    pub region: String,
    /// The region is not enabled in the account: nothing was compared.
    pub region_disabled: bool,
    /// How many services the region lists.
    pub offered_count: usize,
    /// The catalog takes them as offered here; the region does not list them.
    pub not_offered: Vec<ServiceRef>,
    /// The region lists them; the catalog's region list lacks this region.
    pub offered_unlisted: Vec<ServiceRef>,
    /// No source gave the catalog their regions; the region lists them.
    pub confirmed: Vec<ServiceRef>,
    pub kinds: Vec<KindDiff>,
    pub azs: Vec<AzGap>,
    pub names: Vec<NameDiff>,
    /// AWS's own services the region lists that the catalog does not know.
    pub unknown: Vec<String>,
}

impl RegionReport {
    /// How many differences from the catalog (confirmations are none).
    pub fn differences(&self) -> usize {
        self.not_offered.len()
            + self.offered_unlisted.len()
            + self.kinds.len()
            + self.azs.len()
            + self.names.len()
            + self.unknown.len()
    }
}

/// The reports of every account × region read, in target order.
pub fn reports(plan: &Plan, observed: &[(Target, Observed)]) -> Vec<RegionReport> {
    observed.iter().map(|(t, seen)| report(plan, t, seen)).collect()
}

fn report(plan: &Plan, target: &Target, seen: &Observed) -> RegionReport {
    let region = target.region.as_str();
    let mut r = RegionReport {
        account: target.account.clone(),
        account_id: target.account_id.clone(),
        region: target.region.clone(),
        region_disabled: seen.region_disabled,
        offered_count: seen.services.len(),
        not_offered: Vec::new(),
        offered_unlisted: Vec::new(),
        confirmed: Vec::new(),
        kinds: Vec::new(),
        azs: Vec::new(),
        names: Vec::new(),
        unknown: Vec::new(),
    };
    if seen.region_disabled {
        return r;
    }
    let planned: BTreeSet<&str> = plan
        .endpoints
        .iter()
        .filter(|e| e.account == target.account && e.region == target.region)
        .map(|e| e.service.as_str())
        .collect();
    let entry = |s: &Service| ServiceRef {
        short: s.short.to_owned(),
        service_name: s.service_name(region),
        planned: planned.contains(s.short),
    };
    let mut known: BTreeSet<String> = BTreeSet::new();
    for s in catalog::all() {
        let name = s.service_name(region);
        let offer = seen.services.get(&name);
        known.insert(name);
        let Some(offer) = offer else {
            if s.offered_in(region) {
                r.not_offered.push(entry(s));
            }
            continue;
        };
        if !s.regions_known {
            r.confirmed.push(entry(s));
        } else if !s.offered_in(region) {
            r.offered_unlisted.push(entry(s));
        }
        if !offer.kinds.is_empty() && !offer.kinds.contains(&s.kind) {
            r.kinds.push(KindDiff { service: entry(s), catalog: s.kind, offered: offer.kinds.clone() });
            continue;
        }
        if s.kind != EndpointKind::Interface {
            continue;
        }
        if let Some(gap) = az_gap(plan, target, seen, offer) {
            let (missing, vpcs_in_missing) = gap;
            r.azs.push(AzGap { service: entry(s), missing, vpcs_in_missing });
        }
        let catalog_names = catalog_names(s, region);
        let unanswered: Vec<String> =
            offer.private_dns.iter().filter(|n| !answers(&catalog_names, n)).cloned().collect();
        if !unanswered.is_empty() {
            r.names.push(NameDiff { service: entry(s), unanswered, catalog: catalog_names });
        }
    }
    r.unknown = seen
        .services
        .iter()
        .filter(|(name, offer)| !known.contains(*name) && is_aws_service(name, offer, region))
        .map(|(name, _)| name.clone())
        .collect();
    r
}

/// The account's AZ IDs an offer lacks, and the topology's VPCs there
/// with one of them; `None` when it is offered in every AZ.
fn az_gap(plan: &Plan, target: &Target, seen: &Observed, offer: &Offer) -> Option<(Vec<String>, Vec<String>)> {
    let missing: Vec<String> =
        seen.zones.iter().filter(|z| !offer.azs.contains(&z.name)).map(|z| z.id.clone()).collect();
    if missing.is_empty() {
        return None;
    }
    let vpcs = plan
        .vpcs
        .iter()
        .filter(|(_, v)| v.account == target.account && v.region == target.region)
        .filter(|(_, v)| v.azs.iter().any(|a| missing.contains(a)))
        .map(|(name, _)| name.clone())
        .collect();
    Some((missing, vpcs))
}

/// The names the catalog's zones answer in `region`: the apex, and `*.`
/// before a wildcard zone.
fn catalog_names(s: &Service, region: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (zone, apex, wildcard) in s.zones_in(region) {
        if apex {
            names.push(zone.clone());
        }
        if wildcard {
            names.push(format!("*.{zone}"));
        }
    }
    names
}

/// Whether the catalog's names cover `name`: itself, or under a wildcard.
fn answers(catalog_names: &[String], name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    catalog_names.iter().any(|c| {
        c == &name || c.strip_prefix("*.").is_some_and(|zone| name.ends_with(&format!(".{zone}")) && !name.is_empty())
    })
}

/// AWS's own services: owned by `amazon` (or no owner given), named
/// `com.amazonaws.<region>.…` or `aws.<x>.<region>.…`, and not an endpoint
/// service of someone's (`com.amazonaws.vpce.<region>.vpce-svc-…`).
fn is_aws_service(name: &str, offer: &Offer, region: &str) -> bool {
    let owner_ok = offer.owner.as_deref().is_none_or(|o| o == "amazon");
    let aws_named = name.starts_with(&format!("com.amazonaws.{region}."))
        || (name.starts_with("aws.") && name.contains(&format!(".{region}.")));
    owner_ok && aws_named && !name.contains("vpce-svc-")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::compare::Zone;
    use linkplan_core::{Input, Text};
    use std::collections::BTreeMap;

    const TOPOLOGY: &str = "apiVersion: linkplan/v1alpha1
name: t
accounts:
  net: { id: \"111111111111\" }
vpcs:
  hub: { account: net, region: us-east-1, cidr: 10.0.0.0/16, azs: [use1-az1, use1-az2] }
endpoints:
  - vpc: hub
    services: [sts, kendra]
";

    fn plan() -> Plan {
        linkplan_core::run(&Input { topology: Text { file: "t.yaml", text: TOPOLOGY }, lock: None }).plan.unwrap()
    }

    fn target() -> Target {
        Target { account: "net".into(), account_id: "111111111111".into(), region: "us-east-1".into() }
    }

    fn zones() -> Vec<Zone> {
        [("us-east-1a", "use1-az1"), ("us-east-1b", "use1-az2"), ("us-east-1c", "use1-az4")]
            .iter()
            .map(|(n, i)| Zone { name: (*n).into(), id: (*i).into() })
            .collect()
    }

    /// Every catalog service offered in us-east-1, everywhere, as its kind,
    /// with the catalog's own names: a region that agrees.
    fn agreeing() -> Observed {
        let azs = ["us-east-1a", "us-east-1b", "us-east-1c"];
        let mut services: BTreeMap<String, Offer> = BTreeMap::new();
        for s in catalog::all().iter().filter(|s| s.offered_in("us-east-1")) {
            let o = services
                .entry(s.service_name("us-east-1"))
                .or_insert_with(|| Offer { owner: Some("amazon".into()), ..Offer::interface_in(&azs) });
            o.kinds = vec![s.kind];
            if s.kind == EndpointKind::Interface {
                o.private_dns = catalog_names(s, "us-east-1");
            }
        }
        // s3 and dynamodb come both ways
        for g in ["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"] {
            services.get_mut(g).unwrap().kinds = vec![EndpointKind::Interface, EndpointKind::Gateway];
        }
        Observed { zones: zones(), services, ..Observed::default() }
    }

    #[test]
    fn a_region_that_agrees_has_no_differences() {
        let r = report(&plan(), &target(), &agreeing());
        assert_eq!(r.differences(), 0, "{r:#?}");
        assert!(r.offered_count > 300);
        // the services no source lists regions for are confirmed here
        let unknown_regions = catalog::all().iter().filter(|s| !s.regions_known).count();
        assert_eq!(r.confirmed.len(), unknown_regions);
    }

    #[test]
    fn each_kind_of_difference_is_reported_with_what_the_plan_uses() {
        let mut seen = agreeing();
        let s = |n: &str| format!("com.amazonaws.us-east-1.{n}");
        // kendra, planned, is gone; textract lacks use1-az4; sts answers a
        // name the catalog does not; a new service appears; someone's own
        // endpoint service is not AWS's
        seen.services.remove(&s("kendra"));
        seen.services.get_mut(&s("textract")).unwrap().azs.retain(|a| a != "us-east-1c");
        seen.services.get_mut(&s("sts")).unwrap().private_dns.push("sts.new.amazonaws.com".into());
        seen.services.insert(s("brand-new"), Offer { owner: Some("amazon".into()), ..Offer::interface_in(&[]) });
        seen.services.insert(
            "com.amazonaws.vpce.us-east-1.vpce-svc-0123".into(),
            Offer { owner: Some("123456789012".into()), ..Offer::interface_in(&[]) },
        );
        seen.services.get_mut(&s("s3")).unwrap().kinds = vec![EndpointKind::Interface];
        let r = report(&plan(), &target(), &seen);

        assert_eq!(r.not_offered, [ServiceRef { short: "kendra".into(), service_name: s("kendra"), planned: true }]);
        assert_eq!(r.azs.len(), 1, "{:#?}", r.azs);
        assert_eq!(
            (r.azs[0].service.short.as_str(), r.azs[0].missing.as_slice()),
            ("textract", &["use1-az4".into()][..])
        );
        assert!(r.azs[0].vpcs_in_missing.is_empty(), "hub is in use1-az1 and use1-az2");
        assert_eq!(r.names.len(), 1);
        assert_eq!(r.names[0].unanswered, ["sts.new.amazonaws.com"]);
        assert_eq!(r.names[0].catalog, ["sts.us-east-1.amazonaws.com"]);
        assert!(r.names[0].service.planned);
        assert_eq!(r.unknown, [s("brand-new")]);
        assert_eq!(r.kinds.len(), 1);
        assert_eq!((r.kinds[0].service.short.as_str(), r.kinds[0].catalog), ("s3", EndpointKind::Gateway));
        assert_eq!(r.differences(), 5);
    }

    #[test]
    fn a_region_outside_a_services_list_is_reported_when_it_offers_it() {
        let s = catalog::all().iter().find(|s| s.regions.is_some() && !s.offered_in("us-east-1"));
        let Some(s) = s else { panic!("the catalog has services not in us-east-1") };
        let mut seen = agreeing();
        seen.services.insert(s.service_name("us-east-1"), Offer { kinds: vec![s.kind], ..Offer::default() });
        let r = report(&plan(), &target(), &seen);
        assert_eq!(r.offered_unlisted.len(), 1, "{:#?}", r.offered_unlisted);
        assert_eq!(r.offered_unlisted[0].short, s.short);
    }

    #[test]
    fn wildcards_answer_the_names_below_them() {
        let names = vec!["s3.us-east-1.amazonaws.com".to_owned(), "*.s3.us-east-1.amazonaws.com".to_owned()];
        assert!(answers(&names, "s3.us-east-1.amazonaws.com"));
        assert!(answers(&names, "bucket.s3.us-east-1.amazonaws.com."));
        assert!(answers(&names, "*.s3.us-east-1.amazonaws.com"));
        assert!(!answers(&names, "s3.amazonaws.com"));
        assert!(!answers(&names, "xs3.us-east-1.amazonaws.com"));
    }

    #[test]
    fn a_disabled_region_reports_nothing() {
        let r = report(&plan(), &target(), &Observed { region_disabled: true, ..Observed::default() });
        assert!(r.region_disabled && r.differences() == 0 && r.confirmed.is_empty());
    }
}
