//! The DNS plan: for every name a hub serves, a private hosted zone with its
//! apex and/or wildcard alias records to the hub endpoint, and how the zone
//! reaches each consumer VPC under `dns.mode`:
//! - `association`: the zone is associated with each consumer VPC; across
//!   accounts the authorization (zone owner) and association (VPC owner)
//!   handshake is planned;
//! - `profile`: a Route 53 Profile per hub account, consumer region and
//!   consumer segment holds the zones, is shared by RAM and associated with
//!   each consumer VPC. A hub endpoint whose consumers are all in its own
//!   region needs no zone at all: its private DNS is turned on and the
//!   endpoint itself is associated with the Profile, which then answers its
//!   names in every VPC associated with the Profile ("Associate interface
//!   VPC endpoints to a Route 53 Profile",
//!   <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profile-associate-vpc-endpoints.html>;
//!   the API takes the endpoint's ARN, `AssociateResourceToProfile`,
//!   <https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53profiles_AssociateResourceToProfile.html>).
//!   A Profile is regional, so consumers in another region still get zones;
//! - `resolver`: inbound and outbound resolver endpoints in the hub, and a
//!   forwarding rule per zone to the inbound IPs, shared by RAM and
//!   associated with every consumer VPC of the hub's region (resolver rules
//!   are regional).

use super::endpoints::EndpointPlan;
use super::stacks::{StackRole, parameter, stack_name};
use super::{Ctx, SecurityGroupPlan};
use crate::catalog;
use crate::cidr::Ipv4Net;
use crate::diagnostic::{Anchor, Finding, Rule};
use crate::names::{
    PROFILE, PROFILE_ASSOCIATION, PROFILE_RESOURCE_ASSOCIATION, RESOLVER_ENDPOINT, RESOLVER_RULE,
    RESOLVER_RULE_ASSOCIATION, RESOURCE_SHARE,
};
use crate::source::Pointer;
use crate::spec::{DEFAULT_SEGMENT, DnsMode, ProfileNames, Tier};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DnsPlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<DnsMode>,
    pub hosted_zones: Vec<HostedZonePlan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<ProfilePlan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resolver_endpoints: Vec<ResolverEndpointPlan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resolver_rules: Vec<ResolverRulePlan>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostedZonePlan {
    /// Stable ID, `<hub vpc>/<zone name>`.
    pub id: String,
    /// e.g. `sts.us-east-1.amazonaws.com`.
    pub name: String,
    /// The hub's account, which owns the zone.
    pub account: String,
    pub region: String,
    pub hub_vpc: String,
    /// The endpoint the records point at.
    pub endpoint: String,
    pub records: Vec<RecordPlan>,
    /// VPCs the zone is associated with directly.
    pub associations: Vec<String>,
    /// Cross-account associations: authorized by the zone's owner, then
    /// associated by the VPC's owner.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authorizations: Vec<ZoneAuthorization>,
    /// The stack that creates the zone.
    pub stack: String,
    /// The SSM parameter its zone ID is published under.
    pub id_parameter: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordPlan {
    pub name: String,
    /// `A`, an alias to the endpoint's regional DNS name.
    #[serde(rename = "type")]
    pub kind: String,
    /// The endpoint ID (`<vpc>/<service>`) whose DNS name the alias targets.
    pub target: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZoneAuthorization {
    pub vpc: String,
    pub account: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePlan {
    /// `<account>/<region>`, or `<account>/<region>/<segment>` for the
    /// consumers of a segment other than the default one.
    pub id: String,
    pub name: String,
    pub account: String,
    pub region: String,
    /// Hosted zone IDs held by the Profile.
    pub zones: Vec<String>,
    /// Hub interface endpoints (`<vpc>/<service>`, private DNS on, in the
    /// Profile's region) associated with the Profile: it answers their
    /// names with their own private DNS, no hosted zone between.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<String>,
    /// Accounts the Profile is shared with by RAM.
    pub shared_with_accounts: Vec<String>,
    pub associations: Vec<String>,
    /// The name of each VPC's association, by VPC.
    pub association_names: BTreeMap<String, String>,
    /// The name of each zone's resource association, by zone ID.
    pub zone_association_names: BTreeMap<String, String>,
    /// The name of each endpoint's resource association, by endpoint ID.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub endpoint_association_names: BTreeMap<String, String>,
    pub stack: String,
    /// The SSM parameter its Profile ID is published under.
    pub id_parameter: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResolverEndpointPlan {
    /// `<vpc>/inbound` or `<vpc>/outbound`.
    pub id: String,
    pub vpc: String,
    pub account: String,
    pub region: String,
    pub direction: Direction,
    pub name: String,
    pub stack: String,
    /// One IP per subnet, in the `endpoints` tier.
    pub subnets: Vec<Ipv4Net>,
    /// The fixed IP in each subnet, in subnet order. Fixed so that resolver
    /// rules can name the inbound IPs before deploy; taken from the top of
    /// the subnet (inbound the last usable address, outbound the one below)
    /// because interface endpoints in the same subnets get theirs from the
    /// bottom.
    pub ips: Vec<String>,
    pub security_group: SecurityGroupPlan,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResolverRulePlan {
    /// `<hub vpc>/<domain>`.
    pub id: String,
    pub domain: String,
    pub account: String,
    pub region: String,
    /// The outbound endpoint that sends the queries.
    pub resolver_endpoint: String,
    /// The inbound endpoint whose IPs answer.
    pub target_endpoint: String,
    pub shared_with_accounts: Vec<String>,
    pub associations: Vec<String>,
    pub name: String,
    /// The name of its RAM share.
    pub share_name: String,
    /// The name of each VPC's association, by VPC.
    pub association_names: BTreeMap<String, String>,
    pub stack: String,
    /// The SSM parameter its rule ID is published under.
    pub id_parameter: String,
}

/// Which way a resolver endpoint forwards queries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Answers queries from consumers and on-premises.
    Inbound,
    /// Sends queries matching the rules to the inbound endpoint.
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

impl HostedZonePlan {
    /// The ID of a hub's zone for a name: `<hub>/<zone name>`.
    pub fn id_of(hub: &str, zone: &str) -> String {
        format!("{hub}/{zone}")
    }
}

impl ResolverEndpointPlan {
    /// The ID of a hub's endpoint of `direction`: `<hub>/<direction>`.
    pub fn id_of(hub: &str, direction: Direction) -> String {
        format!("{hub}/{}", direction.as_str())
    }
}

const DNS_PORT: u16 = 53;

/// The address `from_top` below the end of `subnet` (the broadcast address
/// is 1; AWS reserves it, so 2 is the last usable address).
fn fixed_ip(subnet: Ipv4Net, from_top: u64) -> String {
    let end = subnet.end();
    let addr = u32::try_from(end.saturating_sub(from_top).max(subnet.start())).unwrap_or(0);
    std::net::Ipv4Addr::from(addr).to_string()
}

/// Plans the DNS of `dns.mode`. In `profile` mode it turns private DNS on
/// for the hub endpoints the Profiles serve directly ([`profile_served`]).
pub fn plan(cx: &Ctx<'_>, endpoints: &mut [EndpointPlan], out: &mut Vec<Finding>) -> DnsPlan {
    let mode = cx.topo.dns.as_ref().map(|d| d.mode);
    let mut plan = DnsPlan { mode, ..DnsPlan::default() };
    let Some(mode) = mode else { return plan };
    let direct = profile_served(cx, endpoints);
    for e in endpoints.iter_mut().filter(|e| direct.contains(&e.id)) {
        e.private_dns = true;
    }
    let endpoints: &[EndpointPlan] = endpoints;
    let account_of = |vpc: &str| cx.vpc(vpc).map(|v| v.account.clone()).unwrap_or_default();
    // names each VPC answers itself (local endpoints with private DNS on)
    // zone → VPC → endpoint, hashed: looked up once per consumer and zone
    let mut local: HashMap<String, HashMap<&str, &str>> = HashMap::new();
    for e in endpoints.iter().filter(|e| e.private_dns) {
        for (zone, ..) in catalog::service(&e.service).map(|s| s.zones_in(&e.region)).unwrap_or_default() {
            local.entry(zone).or_default().insert(e.vpc.as_str(), e.id.as_str());
        }
    }
    let no_locals = HashMap::new();
    let mut served: HashMap<String, HashMap<&str, &str>> = HashMap::new();
    for e in endpoints.iter().filter(|e| !e.shared_with.is_empty()) {
        let zoned = !direct.contains(&e.id);
        let Some(service) = catalog::service(&e.service) else { continue };
        for (zone, apex, wildcard) in service.zones_in(&e.region) {
            let mut records = Vec::new();
            if apex {
                records.push(RecordPlan { name: zone.clone(), kind: "A".into(), target: e.id.clone() });
            }
            if wildcard {
                records.push(RecordPlan { name: format!("*.{zone}"), kind: "A".into(), target: e.id.clone() });
            }
            let locals = local.get(&zone).unwrap_or(&no_locals);
            let mut served_zone = served.remove(&zone).unwrap_or_default();
            for consumer in &e.shared_with {
                let share_at = || share_path(cx, &e.vpc, consumer);
                if let Some(own) = locals.get(consumer.as_str()) {
                    out.push(
                        Finding::at(
                            Rule::Lp032,
                            &share_at(),
                            format!("hub `{}` would serve `{zone}` to VPC `{consumer}`, whose own endpoint `{own}` answers it with private DNS on", e.vpc),
                        )
                        .hint(format!("drop `{}` from the endpoints of `{consumer}`, or `{consumer}` from this `share`", e.service)),
                    );
                }
                if let Some(other) = served_zone.insert(consumer.as_str(), e.vpc.as_str())
                    && other != e.vpc
                {
                    out.push(
                        Finding::at(
                            Rule::Lp033,
                            &share_at(),
                            format!("hubs `{other}` and `{}` both serve `{zone}` to VPC `{consumer}`", e.vpc),
                        )
                        .hint("a name can resolve to one hub only; share it from one of them")
                        .related(Anchor::Value(share_path(cx, other, consumer)), "the other hub's share"),
                    );
                }
            }
            served.insert(zone.clone(), served_zone);
            if !zoned {
                continue;
            }
            let (associations, authorizations) = match mode {
                DnsMode::Association => {
                    let hub_account = account_of(&e.vpc);
                    let mut assoc = vec![e.vpc.clone()];
                    assoc.extend(e.shared_with.iter().cloned());
                    let auth = e
                        .shared_with
                        .iter()
                        .filter(|c| account_of(c) != hub_account)
                        .map(|c| ZoneAuthorization { vpc: c.clone(), account: account_of(c) })
                        .collect();
                    (assoc, auth)
                }
                DnsMode::Profile | DnsMode::Resolver => (vec![e.vpc.clone()], Vec::new()),
            };
            let id = HostedZonePlan::id_of(&e.vpc, &zone);
            plan.hosted_zones.push(HostedZonePlan {
                stack: stack_name(cx.topo, &e.account, &e.region, StackRole::Network),
                id_parameter: parameter(cx.topo, &["zone", &id, "id"]),
                id,
                name: zone,
                account: e.account.clone(),
                region: e.region.clone(),
                hub_vpc: e.vpc.clone(),
                endpoint: e.id.clone(),
                records,
                associations,
                authorizations,
            });
        }
    }
    plan.hosted_zones.sort_by(|a, b| a.id.cmp(&b.id));
    match mode {
        DnsMode::Association => {}
        DnsMode::Profile => plan.profiles = profiles(cx, &plan.hosted_zones, endpoints, &direct, out),
        DnsMode::Resolver => resolver(cx, endpoints, &mut plan, out),
    }
    plan
}

/// The hub endpoints a Route 53 Profile serves with their own private DNS,
/// in `profile` mode unless `dns.profileNames: hosted-zone`: interface
/// endpoints with DNS names, every consumer in the endpoint's region (a
/// Profile holds resources of its own region; consumers elsewhere need the
/// zones), built in the stack its Profile is (the hub's `network` stack),
/// not of a service whose private DNS needs a gateway endpoint beside it
/// (`s3-interface`, `dynamodb-interface`), and whose hub does not itself
/// take the same names from another hub (its own private DNS would answer
/// them first).
fn profile_served(cx: &Ctx<'_>, endpoints: &[EndpointPlan]) -> BTreeSet<String> {
    let dns = cx.topo.dns.as_ref();
    if dns.map(|d| d.mode) != Some(DnsMode::Profile)
        || dns.and_then(|d| d.profile_names).unwrap_or_default() != ProfileNames::Endpoint
    {
        return BTreeSet::new();
    }
    let shared: Vec<&EndpointPlan> = endpoints.iter().filter(|e| !e.shared_with.is_empty()).collect();
    let served_elsewhere = |e: &EndpointPlan| {
        shared
            .iter()
            .any(|o| o.vpc != e.vpc && o.service == e.service && o.region == e.region && o.shared_with.contains(&e.vpc))
    };
    shared
        .iter()
        .filter(|e| {
            let Some(service) = catalog::service(&e.service) else { return false };
            let in_region = e.shared_with.iter().all(|c| cx.vpc(c).is_some_and(|v| v.region == e.region));
            let home = stack_name(cx.topo, &e.account, &e.region, StackRole::Network);
            e.kind == catalog::EndpointKind::Interface
                && service.has_dns()
                && !service.has_gateway_form()
                && in_region
                && cx.vpc(&e.vpc).is_some_and(|v| v.stack == home)
                && !served_elsewhere(e)
        })
        .map(|e| e.id.clone())
        .collect()
}

fn share_path(cx: &Ctx<'_>, hub: &str, consumer: &str) -> Pointer {
    for (i, g) in cx.topo.endpoints.iter().enumerate() {
        if g.vpc == hub
            && let Some(j) = g.share.iter().position(|s| s == consumer)
        {
            return Pointer::root().key("endpoints").index(i).key("share").index(j);
        }
    }
    Pointer::root().key("endpoints")
}

type ProfileKey = (String, String, String);

/// What one Profile holds, and the VPCs it is associated with.
#[derive(Default)]
struct Held {
    zones: BTreeSet<String>,
    endpoints: BTreeSet<String>,
    vpcs: BTreeSet<String>,
}

/// One Profile per hub account, consumer region and consumer segment: a
/// Profile's private hosted zones answer every VPC associated with it
/// ("What is Route 53 Profiles?",
/// <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profiles.html>),
/// so two segments' hubs (which serve the same names) never share one.
fn profiles(
    cx: &Ctx<'_>,
    zones: &[HostedZonePlan],
    endpoints: &[EndpointPlan],
    direct: &BTreeSet<String>,
    out: &mut Vec<Finding>,
) -> Vec<ProfilePlan> {
    // (hub account, consumer region, consumer segment) → what it holds
    let mut by_key: BTreeMap<ProfileKey, Held> = BTreeMap::new();
    let mut hold = |e: &EndpointPlan, what: &mut dyn FnMut(&mut Held)| {
        for c in &e.shared_with {
            let Some(cv) = cx.vpc(c) else { continue };
            let segment = cx.topo.segment_of(c).to_owned();
            let entry = by_key.entry((e.account.clone(), cv.region.clone(), segment)).or_default();
            what(entry);
            entry.vpcs.insert(c.clone());
        }
    };
    for z in zones {
        let Some(e) = endpoints.iter().find(|e| e.id == z.endpoint) else { continue };
        hold(e, &mut |h| {
            h.zones.insert(z.id.clone());
        });
    }
    for e in endpoints.iter().filter(|e| direct.contains(&e.id)) {
        hold(e, &mut |h| {
            h.endpoints.insert(e.id.clone());
        });
    }
    let zone_names: BTreeMap<&String, &String> = zones.iter().map(|z| (&z.id, &z.name)).collect();
    let mut owner_of: BTreeMap<String, String> = BTreeMap::new();
    let mut out_profiles = Vec::new();
    for ((account, region, segment), Held { zones, endpoints, vpcs }) in by_key {
        for v in &vpcs {
            if let Some(first) = owner_of.insert(v.clone(), account.clone()) {
                out.push(
                    Finding::at_key(
                        Rule::Lp035,
                        &Pointer::root().key("vpcs").key(v),
                        format!("VPC `{v}` is served by hubs of accounts `{first}` and `{account}`; it would need two Route 53 Profiles, and a VPC can have one"),
                    )
                    .hint("serve this VPC from hubs of one account, or use `dns.mode: association`"),
                );
            }
        }
        let shared_with_accounts: BTreeSet<String> =
            vpcs.iter().filter_map(|v| cx.vpc(v)).map(|v| v.account.clone()).filter(|a| *a != account).collect();
        // the default segment's Profile keeps the name it had before segments
        let (id, name) = if segment == DEFAULT_SEGMENT {
            (format!("{account}/{region}"), PROFILE.name(&[&cx.topo.name, &account, &region]))
        } else {
            (format!("{account}/{region}/{segment}"), PROFILE.name(&[&cx.topo.name, &account, &region, &segment]))
        };
        let zone_association_names = zones
            .iter()
            .filter_map(|z| zone_names.get(z).map(|n| (z.clone(), PROFILE_RESOURCE_ASSOCIATION.name(&[n]))))
            .collect();
        let endpoint_association_names =
            endpoints.iter().map(|e| (e.clone(), PROFILE_RESOURCE_ASSOCIATION.name(&[e, "endpoint"]))).collect();
        out_profiles.push(ProfilePlan {
            association_names: vpcs.iter().map(|v| (v.clone(), PROFILE_ASSOCIATION.name(&[&name, v]))).collect(),
            zone_association_names,
            endpoint_association_names,
            endpoints: endpoints.into_iter().collect(),
            stack: stack_name(cx.topo, &account, &region, StackRole::Network),
            id_parameter: parameter(cx.topo, &["profile", &id, "id"]),
            id,
            name,
            account,
            region,
            zones: zones.into_iter().collect(),
            shared_with_accounts: shared_with_accounts.into_iter().collect(),
            associations: vpcs.into_iter().collect(),
        });
    }
    out_profiles
}

/// LP033 for on-premises: every resolver-mode hub's inbound endpoint
/// answers on-premises for the hub's zones ("Forwarding inbound DNS queries
/// to your VPCs", <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html>),
/// and on-premises forwards each
/// name to one place (a conditional forwarder per domain), so two hubs must
/// not serve the same name.
fn on_premises_names(cx: &Ctx<'_>, plan: &DnsPlan, out: &mut Vec<Finding>) {
    if cx.on_premises.is_empty() {
        return;
    }
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    for z in &plan.hosted_zones {
        match first.get(z.name.as_str()) {
            Some(hub) if *hub != z.hub_vpc => out.push(
                Finding::at_key(
                    Rule::Lp033,
                    &Pointer::root().key("dns").key("onPremises"),
                    format!(
                        "hubs `{hub}` and `{}` both serve `{}` to on-premises through their inbound resolver endpoints; on-premises can forward a name to one of them",
                        z.hub_vpc, z.name
                    ),
                )
                .hint("serve the service to on-premises from one hub (drop it from the other hub's `services`), or use separate on-premises resolvers the topology cannot describe yet"),
            ),
            Some(_) => {}
            None => {
                first.insert(&z.name, &z.hub_vpc);
            }
        }
    }
}

fn resolver(cx: &Ctx<'_>, endpoints: &[EndpointPlan], plan: &mut DnsPlan, out: &mut Vec<Finding>) {
    let hubs = cx.topo.hub_consumers();
    for (hub, consumers) in &hubs {
        let Some(hv) = cx.vpc(hub) else { continue };
        let subnets: Vec<Ipv4Net> = hv.subnets.iter().filter(|s| s.tier == Tier::Endpoints).map(|s| s.cidr).collect();
        if subnets.len() < 2 {
            out.push(
                Finding::at(
                    Rule::Lp036,
                    &Pointer::root().key("vpcs").key(hub).key("azs"),
                    format!("hub `{hub}` has {} AZ; resolver endpoints need two", subnets.len()),
                )
                .hint("give the hub VPC at least two AZ IDs"),
            );
        }
        let mut sources: Vec<Ipv4Net> =
            std::iter::once(hv.cidr).chain(consumers.iter().filter_map(|c| cx.vpc(c).map(|v| v.cidr))).collect();
        sources.extend(cx.on_premises.iter().copied());
        let mut sg = super::endpoints::security_group(
            &format!("{hub}-resolver"),
            &sources,
            DNS_PORT,
            cx.quotas.security_group_inbound_rules / 2,
        );
        // DNS is served over UDP and TCP: every rule twice
        let udp: Vec<_> = sg.ingress.iter().map(|i| super::Ingress { protocol: "udp".into(), ..i.clone() }).collect();
        sg.ingress.extend(udp);
        for direction in [Direction::Inbound, Direction::Outbound] {
            let id = ResolverEndpointPlan::id_of(hub, direction);
            plan.resolver_endpoints.push(ResolverEndpointPlan {
                name: RESOLVER_ENDPOINT.name(&[&cx.topo.name, &id]),
                stack: stack_name(cx.topo, &hv.account, &hv.region, StackRole::Network),
                id,
                vpc: (*hub).to_owned(),
                account: hv.account.clone(),
                region: hv.region.clone(),
                direction,
                subnets: subnets.clone(),
                ips: subnets
                    .iter()
                    .map(|s| fixed_ip(*s, if direction == Direction::Inbound { 2 } else { 3 }))
                    .collect(),
                security_group: if direction == Direction::Inbound {
                    sg.clone()
                } else {
                    super::endpoints::security_group(&format!("{hub}-resolver-out"), &[], DNS_PORT, 1)
                },
            });
        }
    }
    on_premises_names(cx, plan, out);
    for z in &plan.hosted_zones {
        let Some(e) = endpoints.iter().find(|e| e.id == z.endpoint) else { continue };
        let same_region: Vec<String> =
            e.shared_with.iter().filter(|c| cx.vpc(c).is_some_and(|v| v.region == e.region)).cloned().collect();
        let shared_with_accounts: BTreeSet<String> = same_region
            .iter()
            .filter_map(|c| cx.vpc(c))
            .map(|v| v.account.clone())
            .filter(|a| *a != z.account)
            .collect();
        let name = RESOLVER_RULE.name(&[&cx.topo.name, &z.id]);
        plan.resolver_rules.push(ResolverRulePlan {
            id: z.id.clone(),
            domain: z.name.clone(),
            account: z.account.clone(),
            region: z.region.clone(),
            resolver_endpoint: ResolverEndpointPlan::id_of(&z.hub_vpc, Direction::Outbound),
            target_endpoint: ResolverEndpointPlan::id_of(&z.hub_vpc, Direction::Inbound),
            shared_with_accounts: shared_with_accounts.into_iter().collect(),
            association_names: same_region
                .iter()
                .map(|v| (v.clone(), RESOLVER_RULE_ASSOCIATION.name(&[v, &z.name])))
                .collect(),
            associations: same_region,
            share_name: RESOURCE_SHARE.name(&[&cx.topo.name, &z.id]),
            stack: z.stack.clone(),
            id_parameter: parameter(cx.topo, &["resolver-rule", &z.id, "id"]),
            name,
        });
    }
}

impl DnsPlan {
    /// The DNS mode's pieces, for `plan show`: the zones and who resolves
    /// them, the Profiles, the resolver endpoints with their fixed IPs, and
    /// the forwarding rules. Empty when the plan has no hub zones or Profiles.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        if self.hosted_zones.is_empty() && self.profiles.is_empty() {
            return out;
        }
        let mode = match self.mode {
            Some(crate::spec::DnsMode::Profile) => "profile: Route 53 Profiles hold the hubs' zones and endpoints",
            Some(crate::spec::DnsMode::Resolver) => "resolver: consumers forward the hubs' names to inbound resolvers",
            Some(crate::spec::DnsMode::Association) | None => {
                "association: the hubs' zones associated with each consumer"
            }
        };
        let _ = writeln!(out, "\ndns ({mode})");
        for z in &self.hosted_zones {
            let with: Vec<&str> = z.associations.iter().map(String::as_str).filter(|v| *v != z.hub_vpc).collect();
            let associated =
                if with.is_empty() { String::new() } else { format!(", associated with {}", with.join(", ")) };
            let _ = writeln!(out, "  zone     {:<44} in {}{associated}", z.name, z.hub_vpc);
        }
        for p in &self.profiles {
            let _ = writeln!(
                out,
                "  profile  {:<44} {} zones{}, associated with {}",
                p.name,
                p.zones.len(),
                if p.endpoints.is_empty() { String::new() } else { format!(" and {} endpoints", p.endpoints.len()) },
                if p.associations.is_empty() { "-".to_owned() } else { p.associations.join(", ") }
            );
        }
        for e in &self.resolver_endpoints {
            let _ = writeln!(out, "  resolver {:<44} {}", e.id, e.ips.join(", "));
        }
        for r in &self.resolver_rules {
            let ips = self
                .resolver_endpoints
                .iter()
                .find(|e| e.id == r.target_endpoint)
                .map(|e| format!(" ({})", e.ips.join(", ")))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  rule     {:<44} from {} to {}{ips}, associated with {}",
                r.domain,
                r.resolver_endpoint,
                r.target_endpoint,
                if r.associations.is_empty() { "-".to_owned() } else { r.associations.join(", ") }
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::fixed_ip;
    use crate::cidr::Ipv4Net;

    #[test]
    fn resolver_ips_come_from_the_top_of_the_subnet() {
        let subnet: Ipv4Net = "10.0.128.32/27".parse().unwrap();
        assert_eq!(fixed_ip(subnet, 2), "10.0.128.62"); // last usable: .63 is broadcast
        assert_eq!(fixed_ip(subnet, 3), "10.0.128.61");
    }
}
