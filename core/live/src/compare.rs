//! What was read from the accounts, against the plan: pure, no I/O.

use crate::Target;
use linkplan_core::Plan;
use linkplan_core::catalog::EndpointKind;
use linkplan_core::cidr::Ipv4Net;
use linkplan_core::diagnostic::{Finding, Rule};
use linkplan_core::network::endpoints::EndpointPlan;
use linkplan_core::source::Pointer;
use linkplan_core::spec::{Azs, Topology};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// An availability zone of one account: its name there, and its ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    pub name: String,
    pub id: String,
}

/// An existing VPC, with every associated IPv4 CIDR block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingVpc {
    pub id: String,
    pub is_default: bool,
    /// The primary CIDR first, then the extra blocks.
    pub cidrs: Vec<String>,
    /// Its `Name` tag.
    pub name: Option<String>,
}

/// An existing resource: its ID and `Name` tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing {
    pub id: String,
    pub name: Option<String>,
}

/// An existing VPC endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingEndpoint {
    pub id: String,
    pub vpc_id: String,
    pub service_name: String,
}

/// One endpoint service as `DescribeVpcEndpointServices` lists it in an
/// account × region. A service offered both ways (S3, DynamoDB) is listed
/// twice under one name, once per type: the two are merged here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Offer {
    /// The AZ names (of this account) where it is offered, sorted.
    pub azs: Vec<String>,
    /// The endpoint types it is offered as (`ServiceType`).
    pub kinds: Vec<EndpointKind>,
    /// The private DNS names its interface endpoints answer
    /// (`PrivateDnsNames`, else `PrivateDnsName`), sorted.
    pub private_dns: Vec<String>,
    /// Its owner: `amazon` for AWS's own services.
    pub owner: Option<String>,
}

impl Offer {
    /// An offer in these AZs, of an interface endpoint, without DNS names.
    pub fn interface_in(azs: &[&str]) -> Self {
        Offer {
            azs: azs.iter().map(|a| (*a).to_owned()).collect(),
            kinds: vec![EndpointKind::Interface],
            ..Offer::default()
        }
    }
}

/// What one account × region holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// False when the region is not enabled in the account (opt-in regions):
    /// nothing else was read.
    pub region_disabled: bool,
    pub zones: Vec<Zone>,
    pub vpcs: Vec<ExistingVpc>,
    /// Endpoint services offered in the region, by service name.
    pub services: BTreeMap<String, Offer>,
    pub transit_gateways: Vec<Existing>,
    pub endpoints: Vec<ExistingEndpoint>,
}

/// A planned VPC found deployed: same account, region, `Name` tag and CIDR.
fn deployed<'a>(plan: &'a Plan, target: &Target, vpc: &'a ExistingVpc) -> Option<&'a str> {
    let name = vpc.name.as_deref()?;
    let p = plan.vpcs.get(name)?;
    let primary: Ipv4Net = vpc.cidrs.first()?.parse().ok()?;
    (p.account == target.account && p.region == target.region && p.cidr == primary).then_some(name)
}

fn vpc_address_path(topo: &Topology, name: &str) -> Pointer {
    let p = Pointer::root().key("vpcs").key(name);
    match topo.vpcs.get(name) {
        Some(v) if v.cidr.is_some() => p.key("cidr"),
        Some(v) if v.size.is_some() => p.key("size"),
        _ => p,
    }
}

/// The `services` entry that asked for a planned endpoint, else its VPC.
fn endpoint_path(topo: &Topology, e: &EndpointPlan) -> Pointer {
    for (i, g) in topo.endpoints.iter().enumerate() {
        if g.vpc != e.vpc {
            continue;
        }
        if let Some(j) = g.services.iter().position(|s| *s == e.service) {
            return Pointer::root().key("endpoints").index(i).key("services").index(j);
        }
    }
    Pointer::root().key("vpcs").key(&e.vpc)
}

fn az_path(topo: &Topology, vpc: &str, az: &str) -> Pointer {
    let p = Pointer::root().key("vpcs").key(vpc).key("azs");
    match topo.vpcs.get(vpc).map(|v| &v.azs) {
        Some(Azs::Ids(ids)) => match ids.iter().position(|i| i == az) {
            Some(i) => p.index(i),
            None => p,
        },
        _ => p,
    }
}

fn describe_vpc(v: &ExistingVpc, cidr: &str) -> String {
    let mut s = format!("existing VPC {} ({cidr}", v.id);
    if v.is_default {
        s.push_str(", the default VPC");
    }
    if let Some(n) = &v.name {
        let _ = write!(s, ", Name `{n}`");
    }
    s.push(')');
    s
}

fn named(e: &Existing) -> String {
    match &e.name {
        Some(n) => format!("{} (Name `{n}`)", e.id),
        None => e.id.clone(),
    }
}

/// The findings of every observed account × region, in target order.
pub fn findings(topo: &Topology, plan: &Plan, observed: &[(Target, Observed)]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (target, seen) in observed {
        let here: Vec<(&String, &linkplan_core::plan::VpcPlan)> =
            plan.vpcs.iter().filter(|(_, v)| v.account == target.account && v.region == target.region).collect();
        if seen.region_disabled {
            for (name, _) in &here {
                out.push(
                    Finding::at(
                        Rule::Lp013,
                        &Pointer::root().key("vpcs").key(name).key("region"),
                        format!("region {} is not enabled in account {} ({})", target.region, target.account, target.account_id),
                    )
                    .hint("enable the region in the account (AWS console: Account → AWS Regions), or plan the VPC in another region"),
                );
            }
            continue;
        }
        zones(topo, target, seen, &here, &mut out);
        overlaps(topo, plan, target, seen, &mut out);
        services(topo, plan, target, seen, &mut out);
        duplicates(topo, plan, target, seen, &mut out);
    }
    out
}

fn zones(
    topo: &Topology,
    target: &Target,
    seen: &Observed,
    here: &[(&String, &linkplan_core::plan::VpcPlan)],
    out: &mut Vec<Finding>,
) {
    let ids: BTreeSet<&str> = seen.zones.iter().map(|z| z.id.as_str()).collect();
    for (name, v) in here {
        for az in v.azs.iter().filter(|az| !ids.contains(az.as_str())) {
            let have: Vec<&str> = ids.iter().copied().collect();
            out.push(
                Finding::at(
                    Rule::Lp013,
                    &az_path(topo, name, az),
                    format!(
                        "AZ ID {az} of VPC `{name}` is not available to {}; it has {}",
                        target.describe(),
                        if have.is_empty() { "none".to_owned() } else { have.join(", ") }
                    ),
                )
                .hint("choose AZ IDs the account has (`aws ec2 describe-availability-zones` lists them), or ask AWS for access to that zone"),
            );
        }
    }
}

fn overlaps(topo: &Topology, plan: &Plan, target: &Target, seen: &Observed, out: &mut Vec<Finding>) {
    for vpc in &seen.vpcs {
        let itself = deployed(plan, target, vpc);
        for cidr in &vpc.cidrs {
            let Ok(net) = cidr.parse::<Ipv4Net>() else { continue };
            for (name, p) in &plan.vpcs {
                if Some(name.as_str()) == itself || !p.cidr.overlaps(net) {
                    continue;
                }
                let extra = if vpc.cidrs.first() == Some(cidr) { "" } else { " (an extra CIDR block)" };
                out.push(
                    Finding::at(
                        Rule::Lp022,
                        &vpc_address_path(topo, name),
                        format!(
                            "VPC `{name}` ({}) overlaps {}{extra} in {}",
                            p.cidr,
                            describe_vpc(vpc, cidr),
                            target.describe()
                        ),
                    )
                    .hint(format!(
                        "an existing VPC this topology does not manage is like a reserved range: give `{name}` another range \
                         (add {cidr} to `addressing.reserved` so the pools avoid it), or remove {}",
                        vpc.id
                    )),
                );
            }
        }
    }
}

fn services(topo: &Topology, plan: &Plan, target: &Target, seen: &Observed, out: &mut Vec<Finding>) {
    let names: BTreeMap<&str, &str> = seen.zones.iter().map(|z| (z.id.as_str(), z.name.as_str())).collect();
    for e in plan.endpoints.iter().filter(|e| e.account == target.account && e.region == target.region) {
        let path = endpoint_path(topo, e);
        let Some(offered) = seen.services.get(&e.service_name) else {
            out.push(
                Finding::at(
                    Rule::Lp030,
                    &path,
                    format!("service `{}` ({}) is not offered to {}", e.service, e.service_name, target.describe()),
                )
                .hint("DescribeVpcEndpointServices does not list it there: use a hub in a region that offers it (`service@region`)"),
            );
            continue;
        };
        if !offered.kinds.is_empty() && !offered.kinds.contains(&e.kind) {
            let (want, have) = match e.kind {
                EndpointKind::Interface => ("an interface", "a gateway"),
                EndpointKind::Gateway => ("a gateway", "an interface"),
            };
            out.push(
                Finding::at(
                    Rule::Lp030,
                    &path,
                    format!(
                        "service `{}` ({}) is offered to {} only as {have} endpoint; the plan makes {want} endpoint",
                        e.service,
                        e.service_name,
                        target.describe()
                    ),
                )
                .hint("`plan catalog show` names both forms where a service has them (`s3` and `s3-interface`)"),
            );
            continue;
        }
        if e.kind != EndpointKind::Interface {
            continue;
        }
        let Some(v) = plan.vpcs.get(&e.vpc) else { continue };
        for az in &v.azs {
            // an AZ the account lacks is LP013 already
            let Some(az_name) = names.get(az.as_str()) else { continue };
            if !offered.azs.iter().any(|o| o == az_name) {
                out.push(
                    Finding::at(
                        Rule::Lp030,
                        &path,
                        format!(
                            "service `{}` ({}) is not offered in AZ {az} ({az_name}) of VPC `{}`, {}; it is offered in {}",
                            e.service,
                            e.service_name,
                            e.vpc,
                            target.describe(),
                            offered_ids(&offered.azs, &seen.zones)
                        ),
                    )
                    .hint("give the VPC AZ IDs where the service is offered; an interface endpoint needs it in every AZ of its subnets"),
                );
            }
        }
    }
}

fn offered_ids(offered: &[String], zones: &[Zone]) -> String {
    let ids: Vec<&str> = zones.iter().filter(|z| offered.contains(&z.name)).map(|z| z.id.as_str()).collect();
    if ids.is_empty() { "no AZ".to_owned() } else { ids.join(", ") }
}

fn duplicates(topo: &Topology, plan: &Plan, target: &Target, seen: &Observed, out: &mut Vec<Finding>) {
    for tgw in plan.routing.transit_gateways.iter().filter(|t| t.account == target.account && t.region == target.region)
    {
        // the tag the CDK library gives the planned TGW
        let own = format!("{}-{}", plan.name, tgw.id.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
        let path = match &topo.transit {
            Some(t) if t.owner.is_some() => Pointer::root().key("transit").key("owner"),
            _ => Pointer::root().key("transit"),
        };
        for existing in seen.transit_gateways.iter().filter(|e| e.name.as_deref() != Some(own.as_str())) {
            out.push(
                Finding::at(
                    Rule::Lp060,
                    &path,
                    format!(
                        "the plan creates transit gateway {} in {}, where transit gateway {} already exists",
                        tgw.id,
                        target.describe(),
                        named(existing)
                    ),
                )
                .hint("Linkplan creates and owns its own transit gateway; remove the existing one if it is unused, or keep it knowingly"),
            );
        }
    }
    // VPC IDs of planned VPCs found deployed here, by name
    let deployed_ids: BTreeMap<&str, &str> =
        seen.vpcs.iter().filter_map(|v| deployed(plan, target, v).map(|n| (v.id.as_str(), n))).collect();
    let planned_services: BTreeSet<(&str, &str)> =
        plan.endpoints.iter().map(|e| (e.vpc.as_str(), e.service_name.as_str())).collect();
    for e in plan.endpoints.iter().filter(|e| e.account == target.account && e.region == target.region) {
        for existing in seen.endpoints.iter().filter(|x| x.service_name == e.service_name) {
            // the plan's own endpoint, deployed
            if deployed_ids
                .get(existing.vpc_id.as_str())
                .is_some_and(|vpc| planned_services.contains(&(*vpc, e.service_name.as_str())))
            {
                continue;
            }
            out.push(
                Finding::at(
                    Rule::Lp060,
                    &endpoint_path(topo, e),
                    format!(
                        "the plan creates a `{}` endpoint in VPC `{}`; {} in {} ({}) already serves {}",
                        e.service,
                        e.vpc,
                        existing.id,
                        existing.vpc_id,
                        target.describe(),
                        e.service_name
                    ),
                )
                .hint("serve the VPCs from one hub endpoint (`endpoints[].share`), or remove the existing endpoint if it is unused"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use linkplan_core::{Input, Text};

    const TOPOLOGY: &str = "apiVersion: linkplan/v1alpha1
name: t
accounts:
  net: { id: \"111111111111\" }
vpcs:
  hub: { account: net, region: us-east-1, cidr: 10.0.0.0/16, azs: [use1-az1, use1-az2] }
endpoints:
  - vpc: hub
    services: [sts]
";

    fn setup() -> (Topology, Plan, Target) {
        let outcome = linkplan_core::run(&Input { topology: Text { file: "t.yaml", text: TOPOLOGY }, lock: None });
        let plan = outcome.plan.unwrap();
        let topo = linkplan_core::read_topology(TOPOLOGY).unwrap();
        let target = Target { account: "net".into(), account_id: "111111111111".into(), region: "us-east-1".into() };
        (topo, plan, target)
    }

    fn zones(pairs: &[(&str, &str)]) -> Vec<Zone> {
        pairs.iter().map(|(n, i)| Zone { name: (*n).into(), id: (*i).into() }).collect()
    }

    #[test]
    fn a_missing_az_id_is_lp013_on_its_item() {
        let (topo, plan, target) = setup();
        let seen = Observed {
            zones: zones(&[("us-east-1a", "use1-az1"), ("us-east-1b", "use1-az4")]),
            services: BTreeMap::from([(
                "com.amazonaws.us-east-1.sts".to_owned(),
                Offer::interface_in(&["us-east-1a", "us-east-1b"]),
            )]),
            ..Observed::default()
        };
        let f = findings(&topo, &plan, &[(target, seen)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, Rule::Lp013);
        assert!(
            f[0].message.contains("use1-az2") && f[0].message.contains("it has use1-az1, use1-az4"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].at, linkplan_core::diagnostic::Anchor::Value(Pointer::from_raw("/vpcs/hub/azs/1")));
    }

    #[test]
    fn a_service_missing_in_an_az_or_the_region_is_lp030_naming_it() {
        let (topo, plan, target) = setup();
        let z = zones(&[("us-east-1a", "use1-az2"), ("us-east-1b", "use1-az1")]);
        let seen = Observed {
            zones: z.clone(),
            services: BTreeMap::from([(
                "com.amazonaws.us-east-1.sts".to_owned(),
                Offer::interface_in(&["us-east-1b"]),
            )]),
            ..Observed::default()
        };
        let f = findings(&topo, &plan, &[(target.clone(), seen)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, Rule::Lp030);
        assert!(
            f[0].message.contains("not offered in AZ use1-az2 (us-east-1a)")
                && f[0].message.contains("offered in use1-az1")
        );
        assert_eq!(f[0].at, linkplan_core::diagnostic::Anchor::Value(Pointer::from_raw("/endpoints/0/services/0")));

        let none = Observed { zones: z, ..Observed::default() };
        let f = findings(&topo, &plan, &[(target, none)]);
        assert!(
            f.len() == 1 && f[0].rule == Rule::Lp030 && f[0].message.contains("is not offered to account net"),
            "{f:?}"
        );
    }

    #[test]
    fn a_disabled_region_is_lp013_and_nothing_else() {
        let (topo, plan, target) = setup();
        let f = findings(&topo, &plan, &[(target, Observed { region_disabled: true, ..Observed::default() })]);
        assert_eq!(f.len(), 1);
        assert!(f[0].rule == Rule::Lp013 && f[0].message.contains("not enabled in account net"));
    }

    #[test]
    fn a_service_offered_only_in_the_other_form_is_lp030() {
        let (topo, plan, target) = setup();
        let gateway_only = Offer { kinds: vec![EndpointKind::Gateway], ..Offer::interface_in(&["us-east-1a"]) };
        let seen = Observed {
            zones: zones(&[("us-east-1a", "use1-az1"), ("us-east-1b", "use1-az2")]),
            services: BTreeMap::from([("com.amazonaws.us-east-1.sts".to_owned(), gateway_only)]),
            ..Observed::default()
        };
        let f = findings(&topo, &plan, &[(target, seen)]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].rule == Rule::Lp030
                && f[0].message.contains("only as a gateway endpoint; the plan makes an interface"),
            "{}",
            f[0].message
        );
    }
}
