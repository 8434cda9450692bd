//! The routing plan.
//!
//! `transit-gateway`: a TGW per region that has attached VPCs, owned by
//! `transit.owner` and shared by RAM with the other accounts; each VPC
//! attached in its `transit` subnets. Route tables per segment (VPCs reach
//! their own segment, segments `transit.segments` lets them reach, and the
//! hubs that serve them) and one per hub (a hub reaches exactly the VPCs it
//! serves). TGWs of different regions are peered in a full mesh, with static
//! routes over the peering and a `peering` table for what arrives. VPC
//! route tables get one entry per aggregated destination, via the TGW.
//!
//! `vpc-peering`: a peering for every pair of attached VPCs whose tables
//! would route to each other, with routes both ways.

use super::Ctx;
use super::stacks::{StackRole, StackRolePlan, parameter, stack_name};
use crate::cidr::Ipv4Net;
use crate::cidr::aggregate::aggregate;
use crate::names::IAM_ROLE;
use crate::policy::{Condition, PolicyDocument, Principal, Statement};
use crate::spec::{Tier, TransitMode};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoutingPlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<TransitMode>,
    pub transit_gateways: Vec<TransitGatewayPlan>,
    pub attachments: Vec<AttachmentPlan>,
    pub tgw_peerings: Vec<TgwPeeringPlan>,
    pub vpc_peerings: Vec<VpcPeeringPlan>,
    /// Entries of the VPCs' own route tables (all their tiers).
    pub vpc_routes: Vec<VpcRoutePlan>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransitGatewayPlan {
    /// `tgw/<region>`.
    pub id: String,
    pub region: String,
    pub account: String,
    /// A private ASN, unique per TGW of the topology.
    pub asn: u32,
    pub shared_with_accounts: Vec<String>,
    pub route_tables: Vec<TgwRouteTablePlan>,
    /// Its `Name` tag and the name of its RAM share.
    pub name: String,
    /// The stack that creates it (`network`) and the one that builds its
    /// route tables and peerings (`links`).
    pub stack: String,
    pub links_stack: String,
    /// The SSM parameter its ID is published under.
    pub id_parameter: String,
}

impl TransitGatewayPlan {
    /// The ID of the transit gateway of `region`: `tgw/<region>`.
    pub fn id_of(region: &str) -> String {
        format!("tgw/{region}")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TgwRouteTablePlan {
    /// `tgw/<region>/<name>`.
    pub id: String,
    /// A segment's name, `hubs` or `peering`.
    pub name: String,
    /// VPCs (or peering IDs) whose attachments use this table.
    pub associations: Vec<String>,
    /// VPCs whose routes propagate into this table.
    pub propagations: Vec<String>,
    pub static_routes: Vec<StaticRoute>,
    /// Its `Name` tag.
    pub tag_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaticRoute {
    pub cidr: Ipv4Net,
    /// The TGW peering the route points at.
    pub peering: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentPlan {
    pub vpc: String,
    pub transit_gateway: String,
    pub account: String,
    pub region: String,
    /// The VPC's `transit` tier subnets.
    pub subnets: Vec<Ipv4Net>,
    pub route_table: String,
    /// Its `Name` tag.
    pub tag_name: String,
    /// The SSM parameter its ID is published under.
    pub id_parameter: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TgwPeeringPlan {
    /// `peering/<region>/<region>`.
    pub id: String,
    pub requester: String,
    pub accepter: String,
    /// Its `Name` tag.
    pub tag_name: String,
    /// The SSM parameter its ID is published under.
    pub id_parameter: String,
}

impl TgwRouteTablePlan {
    /// The ID of a table of the gateway of `region`: `tgw/<region>/<table>`.
    pub fn id_of(region: &str, table: &str) -> String {
        format!("{}/{table}", TransitGatewayPlan::id_of(region))
    }
}

impl TgwPeeringPlan {
    /// The ID of the peering between two regions' gateways, in either order.
    pub fn id_of(a: &str, b: &str) -> String {
        if a < b { format!("peering/{a}/{b}") } else { format!("peering/{b}/{a}") }
    }
}

/// A VPC peering connection, built by the requester's stack
/// (`AWS::EC2::VPCPeeringConnection`), which reads the accepter's VPC ID and
/// so deploys after the accepter's stack. Across accounts the accepter's
/// stack creates the peer role the connection is accepted with; in one
/// account it is accepted without one ("AWS::EC2::VPCPeeringConnection",
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcpeeringconnection.html>).
/// The accepter's routes need the connection's ID, so the `links` stack of
/// the accepter's account and region adds them, last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpcPeeringPlan {
    /// `pcx/<requester>/<accepter>`.
    pub id: String,
    pub requester: String,
    pub accepter: String,
    pub cross_account: bool,
    pub cross_region: bool,
    /// The accepter's account ID and region (`PeerOwnerId`, `PeerRegion`).
    pub accepter_account_id: String,
    pub accepter_region: String,
    /// The stack that requests the connection (the requester VPC's) and
    /// the one that adds the accepter's routes (`links` of its account and
    /// region).
    pub stack: String,
    pub routes_stack: String,
    /// The role the requester accepts the connection with, in the
    /// accepter's account (across accounts only; `PeerRoleArn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_role: Option<StackRolePlan>,
    /// Its `Name` tag.
    pub tag_name: String,
    /// The SSM parameter the requester's stack publishes its ID under.
    pub id_parameter: String,
    /// The SSM parameters the accepter's stack publishes its route tables'
    /// IDs under, by tier, for the routes the `links` stack adds.
    pub accepter_route_tables: BTreeMap<String, String>,
}

impl VpcPeeringPlan {
    /// The ID of the peering of two VPCs, requester first.
    pub fn id_of(requester: &str, accepter: &str) -> String {
        format!("pcx/{requester}/{accepter}")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpcRoutePlan {
    pub vpc: String,
    pub destination: Ipv4Net,
    pub via: RouteVia,
    /// The transit gateway's or the VPC peering's ID.
    pub target: String,
}

/// What a VPC route points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RouteVia {
    TransitGateway,
    VpcPeering,
}

const PEERING: &str = "peering";
const FIRST_PRIVATE_ASN: u32 = 64512;

/// The route table of a hub's attachment: `hub-<vpc>`, under the name the
/// hub was created with when it was renamed (`was:`), so that its table, and
/// the association CloudFormation could not replace while the attachment is
/// associated, keep their IDs.
fn hub_table(cx: &Ctx<'_>, hub: &str) -> String {
    let name = cx.vpcs.get(hub).and_then(|v| v.construct_id.as_deref()).unwrap_or(hub);
    format!("hub-{name}")
}

/// The route table of a segment's VPCs: `segment-<segment>`. The prefixes
/// keep segment, hub and `peering` tables from ever sharing a name.
fn segment_table(segment: &str) -> String {
    format!("segment-{segment}")
}

/// Which route table each attached VPC uses and which VPCs each table reaches.
struct Tables {
    table_of: BTreeMap<String, String>,
    reaches: BTreeMap<String, BTreeSet<String>>,
}

/// The segment pairs `transit.segments` lets reach each other, both orders.
pub(crate) fn segment_pairs(topo: &crate::spec::Topology) -> BTreeSet<(String, String)> {
    let mut allowed = BTreeSet::new();
    for (from, policy) in topo.transit.iter().flat_map(|t| t.segments.iter().flatten()) {
        for to in &policy.reaches {
            allowed.insert((from.clone(), to.clone()));
            allowed.insert((to.clone(), from.clone()));
        }
    }
    allowed
}

/// Each hub's table reaches exactly the VPCs it serves (and the hubs that
/// serve it); each segment's table reaches the VPCs of its segment and of
/// the segments it may reach, and the hubs that serve a VPC of it. So two
/// hubs never route to each other, nor a hub to a VPC it does not serve.
fn tables(cx: &Ctx<'_>) -> Tables {
    let Some(t) = &cx.topo.transit else { return Tables { table_of: BTreeMap::new(), reaches: BTreeMap::new() } };
    let attached: Vec<&String> = t.attach.iter().filter(|v| cx.vpcs.contains_key(*v)).collect();
    let is_attached: BTreeSet<&str> = attached.iter().map(|v| v.as_str()).collect();
    let hub_consumers = cx.topo.hub_consumers();
    let allowed = segment_pairs(cx.topo);
    let table_of: BTreeMap<String, String> = attached
        .iter()
        .map(|v| {
            let table = if hub_consumers.contains_key(v.as_str()) {
                hub_table(cx, v)
            } else {
                segment_table(cx.topo.segment_of(v))
            };
            ((*v).clone(), table)
        })
        .collect();
    let mut reaches: BTreeMap<String, BTreeSet<String>> =
        table_of.values().map(|t| (t.clone(), BTreeSet::new())).collect();
    let segments: BTreeSet<&str> =
        attached.iter().filter(|v| !hub_consumers.contains_key(v.as_str())).map(|v| cx.topo.segment_of(v)).collect();
    for sx in segments {
        let set = reaches.entry(segment_table(sx)).or_default();
        for y in attached.iter().filter(|y| !hub_consumers.contains_key(y.as_str())) {
            let sy = cx.topo.segment_of(y);
            if sx == sy || allowed.contains(&(sx.to_owned(), sy.to_owned())) {
                set.insert((*y).clone());
            }
        }
    }
    for (hub, consumers) in &hub_consumers {
        if !is_attached.contains(hub) {
            continue;
        }
        for c in consumers.iter().filter(|c| is_attached.contains(**c)) {
            reaches.entry(hub_table(cx, hub)).or_default().insert((*c).to_owned());
            if let Some(tc) = table_of.get(*c) {
                reaches.entry(tc.clone()).or_default().insert((*hub).to_owned());
            }
        }
    }
    Tables { table_of, reaches }
}

pub fn plan(cx: &Ctx<'_>) -> RoutingPlan {
    let Some(transit) = &cx.topo.transit else { return RoutingPlan::default() };
    let t = tables(cx);
    let mut plan = RoutingPlan { mode: Some(transit.mode), ..RoutingPlan::default() };
    match transit.mode {
        TransitMode::TransitGateway => transit_gateways(cx, &t, &mut plan),
        TransitMode::VpcPeering => peerings(cx, &t, &mut plan),
    }
    plan
}

/// A gateway per region with attached VPCs, peered in a full mesh, with
/// their route tables, the attachments and the VPCs' routes to them.
fn transit_gateways(cx: &Ctx<'_>, t: &Tables, plan: &mut RoutingPlan) {
    let owner = cx.topo.transit.as_ref().and_then(|tr| tr.owner.clone()).unwrap_or_default();
    let regions: BTreeSet<String> = t.table_of.keys().map(|v| region_of(cx, v).to_owned()).collect();
    for (i, a) in regions.iter().enumerate() {
        for b in regions.iter().skip(i + 1) {
            let id = TgwPeeringPlan::id_of(a, b);
            plan.tgw_peerings.push(TgwPeeringPlan {
                tag_name: format!("{}-{id}", cx.topo.name),
                id_parameter: parameter(cx.topo, &[&id, "id"]),
                id,
                requester: TransitGatewayPlan::id_of(a),
                accepter: TransitGatewayPlan::id_of(b),
            });
        }
    }
    for (asn, region) in (FIRST_PRIVATE_ASN..).zip(regions.iter()) {
        let local: Vec<&String> = t.table_of.keys().filter(|v| region_of(cx, v) == region).collect();
        let shared: BTreeSet<String> =
            local.iter().filter_map(|v| cx.vpc(v)).map(|p| p.account.clone()).filter(|a| *a != owner).collect();
        let mut route_tables = segment_tables(cx, t, region, &local);
        if regions.len() > 1 {
            route_tables.push(peering_table(cx, t, region, &regions));
        }
        for v in &local {
            let Some(p) = cx.vpc(v) else { continue };
            let table = t.table_of.get(*v).cloned().unwrap_or_default();
            plan.attachments.push(AttachmentPlan {
                vpc: (*v).clone(),
                transit_gateway: TransitGatewayPlan::id_of(region),
                account: p.account.clone(),
                region: region.clone(),
                subnets: p.subnets.iter().filter(|s| s.tier == Tier::Transit).map(|s| s.cidr).collect(),
                route_table: TgwRouteTablePlan::id_of(region, &table),
                tag_name: format!("{}-{v}", cx.topo.name),
                id_parameter: parameter(cx.topo, &["attachment", v, "id"]),
            });
        }
        let id = TransitGatewayPlan::id_of(region);
        plan.transit_gateways.push(TransitGatewayPlan {
            name: format!("{}-{}", cx.topo.name, id.replace('/', "-")),
            stack: stack_name(cx.topo, &owner, region, StackRole::Network),
            links_stack: stack_name(cx.topo, &owner, region, StackRole::Links),
            id_parameter: parameter(cx.topo, &[&id, "id"]),
            id,
            region: region.clone(),
            account: owner.clone(),
            asn,
            shared_with_accounts: shared.into_iter().collect(),
            route_tables,
        });
    }
    tgw_vpc_routes(cx, t, plan);
}

fn region_of<'a>(cx: &Ctx<'a>, vpc: &str) -> &'a str {
    cx.vpc(vpc).map_or("", |p| p.region.as_str())
}

/// The tables of one region's gateway that attachments use: what each
/// reaches in the region propagates; what it reaches elsewhere is a static
/// route over the peering to that region.
fn segment_tables(cx: &Ctx<'_>, t: &Tables, region: &str, local: &[&String]) -> Vec<TgwRouteTablePlan> {
    // each table's associations, grouped in one pass over the VPCs
    let mut associated: BTreeMap<&String, Vec<String>> = BTreeMap::new();
    for v in local {
        if let Some(table) = t.table_of.get(*v) {
            associated.entry(table).or_default().push((*v).clone());
        }
    }
    associated
        .into_iter()
        .map(|(name, associations)| {
            let reached = t.reaches.get(name).cloned().unwrap_or_default();
            let propagations: Vec<String> = reached.iter().filter(|y| region_of(cx, y) == region).cloned().collect();
            let mut remote: BTreeMap<String, Vec<Ipv4Net>> = BTreeMap::new();
            for y in reached.iter().filter(|y| region_of(cx, y) != region) {
                if let Some(p) = cx.vpc(y) {
                    remote.entry(p.region.clone()).or_default().push(p.cidr);
                }
            }
            let static_routes = remote
                .into_iter()
                .flat_map(|(r, nets)| {
                    let via = TgwPeeringPlan::id_of(region, &r);
                    aggregate(&nets).into_iter().map(move |cidr| StaticRoute { cidr, peering: via.clone() })
                })
                .collect();
            TgwRouteTablePlan {
                id: TgwRouteTablePlan::id_of(region, name),
                tag_name: format!("{}-{name}", cx.topo.name),
                name: name.clone(),
                associations,
                propagations,
                static_routes,
            }
        })
        .collect()
}

/// The table of what arrives over the peerings: routed to the local VPCs
/// any remote table reaches.
fn peering_table(cx: &Ctx<'_>, t: &Tables, region: &str, regions: &BTreeSet<String>) -> TgwRouteTablePlan {
    let remote_tables: BTreeSet<&String> =
        t.table_of.iter().filter(|(v, _)| region_of(cx, v) != region).map(|(_, table)| table).collect();
    let mut propagations: BTreeSet<String> = BTreeSet::new();
    for table in remote_tables {
        for y in t.reaches.get(table).into_iter().flatten().filter(|y| region_of(cx, y) == region) {
            propagations.insert(y.clone());
        }
    }
    TgwRouteTablePlan {
        id: TgwRouteTablePlan::id_of(region, PEERING),
        tag_name: format!("{}-{PEERING}", cx.topo.name),
        name: PEERING.into(),
        associations: regions.iter().filter(|r| *r != region).map(|r| TgwPeeringPlan::id_of(region, r)).collect(),
        propagations: propagations.into_iter().collect(),
        static_routes: Vec::new(),
    }
}

/// VPC route tables: one aggregated set of destinations per TGW table.
fn tgw_vpc_routes(cx: &Ctx<'_>, t: &Tables, plan: &mut RoutingPlan) {
    let mut per_table: BTreeMap<&String, Vec<Ipv4Net>> = BTreeMap::new();
    for (table, reached) in &t.reaches {
        let nets: Vec<Ipv4Net> = reached.iter().filter_map(|y| cx.vpc(y).map(|p| p.cidr)).collect();
        per_table.insert(table, aggregate(&nets));
    }
    for (v, table) in &t.table_of {
        let Some(p) = cx.vpc(v) else { continue };
        for destination in without(per_table.get(table).map(Vec::as_slice).unwrap_or_default(), p.cidr) {
            plan.vpc_routes.push(VpcRoutePlan {
                vpc: v.clone(),
                destination,
                via: RouteVia::TransitGateway,
                target: TransitGatewayPlan::id_of(&p.region),
            });
        }
    }
}

/// `blocks` minus a block equal to `own`: the VPC's local route covers its
/// own CIDR, and AWS refuses a second route to exactly that CIDR. A larger
/// block that contains it is fine (the local route is more specific), which
/// is what lets every VPC of a table share one aggregated set of routes.
fn without(blocks: &[Ipv4Net], own: Ipv4Net) -> Vec<Ipv4Net> {
    blocks.iter().copied().filter(|b| *b != own).collect()
}

fn peerings(cx: &Ctx<'_>, t: &Tables, plan: &mut RoutingPlan) {
    let reaches = |x: &str, y: &str| t.table_of.get(x).and_then(|tx| t.reaches.get(tx)).is_some_and(|r| r.contains(y));
    let hubs = cx.topo.hub_consumers();
    let attached: Vec<&String> = t.table_of.keys().collect();
    for (i, a) in attached.iter().enumerate() {
        for b in attached.iter().skip(i + 1) {
            if !(reaches(a, b) && reaches(b, a)) {
                continue;
            }
            let (Some(pa), Some(pb)) = (cx.vpc(a), cx.vpc(b)) else { continue };
            // the requester's stack reads the accepter's, so the direction
            // must never let two stacks read each other: a hub accepts (its
            // consumers' stacks read it, as they read its Profile and zones;
            // hubs never peer with each other), and between other VPCs the
            // one of the later stack (by name) requests
            let hub = |v: &str| hubs.contains_key(v);
            let a_requests = match (hub(a), hub(b)) {
                (true, false) => false,
                (false, true) => true,
                _ => (&pa.stack, a.as_str()) >= (&pb.stack, b.as_str()),
            };
            let (a, b, pa, pb) = if a_requests { (*a, *b, pa, pb) } else { (*b, *a, pb, pa) };
            let id = VpcPeeringPlan::id_of(a, b);
            let cross_account = pa.account_id != pb.account_id;
            let accepter_route_tables = pb
                .subnets
                .iter()
                .map(|s| s.tier.as_str().to_owned())
                .collect::<BTreeSet<String>>()
                .into_iter()
                .map(|tier| {
                    let at = parameter(cx.topo, &["vpc", b, "route-table", &tier, "id"]);
                    (tier, at)
                })
                .collect();
            plan.vpc_peerings.push(VpcPeeringPlan {
                id: id.clone(),
                requester: a.clone(),
                accepter: b.clone(),
                cross_account,
                cross_region: pa.region != pb.region,
                accepter_account_id: pb.account_id.clone(),
                accepter_region: pb.region.clone(),
                stack: pa.stack.clone(),
                routes_stack: stack_name(cx.topo, &pb.account, &pb.region, StackRole::Links),
                peer_role: cross_account.then(|| peer_role(cx, a, b)),
                tag_name: format!("{}-{a}-{b}", cx.topo.name),
                id_parameter: parameter(cx.topo, &[&id, "id"]),
                accepter_route_tables,
            });
            let via = RouteVia::VpcPeering;
            plan.vpc_routes.push(VpcRoutePlan { vpc: a.clone(), destination: pb.cidr, via, target: id.clone() });
            plan.vpc_routes.push(VpcRoutePlan { vpc: b.clone(), destination: pa.cidr, via, target: id });
        }
    }
    plan.vpc_peerings.sort_by(|x, y| x.id.cmp(&y.id));
    plan.vpc_routes.sort_by(|x, y| (&x.vpc, x.destination).cmp(&(&y.vpc, y.destination)));
}

/// The accepter's peer role: the requester's account (in the topology's
/// organization, when it names one) may assume it, to accept peering
/// connections into the accepter's account and region only ("Peer with a
/// VPC in another AWS account",
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/peer-with-vpc-in-another-account.html>).
fn peer_role(cx: &Ctx<'_>, requester: &str, accepter: &str) -> StackRolePlan {
    let (Some(pa), Some(pb)) = (cx.vpc(requester), cx.vpc(accepter)) else {
        return StackRolePlan {
            name: String::new(),
            arn: String::new(),
            trust: PolicyDocument::new(Vec::new()),
            permissions: PolicyDocument::new(Vec::new()),
        };
    };
    let name = IAM_ROLE.name(&[&cx.topo.name, "peer", accepter, requester]);
    let mut trust = Statement::assume_role(Principal::aws(vec![format!("arn:aws:iam::{}:root", pa.account_id)]));
    if let Some(org) = &cx.topo.organization {
        trust = trust.when("StringEquals", "aws:PrincipalOrgID", vec![org.id.clone()]);
    }
    let mut accept = Statement::allow(
        "AcceptPeeringsFromTheRequesterOnly",
        &["ec2:AcceptVpcPeeringConnection"],
        vec![
            format!("arn:aws:ec2:{}:{}:vpc-peering-connection/*", pb.region, pb.account_id),
            format!("arn:aws:ec2:{}:{}:vpc/*", pb.region, pb.account_id),
        ],
    );
    // the connection must come from the requester's account ("Actions,
    // resources, and condition keys for Amazon EC2": ec2:RequesterVpc)
    accept.conditions.push(Condition {
        operator: "ArnLike".into(),
        key: "ec2:RequesterVpc".into(),
        values: vec![format!("arn:aws:ec2:{}:{}:vpc/*", pa.region, pa.account_id)],
    });
    StackRolePlan {
        arn: format!("arn:aws:iam::{}:role/{name}", pb.account_id),
        name,
        trust: PolicyDocument::new(vec![trust]),
        permissions: PolicyDocument::new(vec![accept]),
    }
}

impl RoutingPlan {
    /// The transit gateway route tables, for `plan show`: what each is for
    /// and what it routes to. Empty without transit gateways.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        if !self.transit_gateways.is_empty() {
            out.push_str("\ntransit route tables\n");
            for t in self.transit_gateways.iter().flat_map(|g| &g.route_tables) {
                let _ = writeln!(
                    out,
                    "  {:<36} for {}  routes to {}{}",
                    t.id,
                    t.associations.join(", "),
                    if t.propagations.is_empty() { "-".to_owned() } else { t.propagations.join(", ") },
                    if t.static_routes.is_empty() {
                        String::new()
                    } else {
                        let nets: Vec<String> = t.static_routes.iter().map(|r| r.cidr.to_string()).collect();
                        format!(" and over the peering {}", nets.join(", "))
                    }
                );
            }
        }
        out
    }
}

/// Lookups over a routing plan, built once for the reachability proof.
pub struct RouteIndex<'a> {
    plan: &'a RoutingPlan,
    attachments: BTreeMap<&'a str, &'a AttachmentPlan>,
    routes: BTreeMap<&'a str, Vec<&'a VpcRoutePlan>>,
    /// Table ID → the VPCs propagated into it.
    propagated: BTreeMap<&'a str, BTreeSet<&'a str>>,
    tables: BTreeMap<&'a str, &'a TgwRouteTablePlan>,
    /// Region → the VPCs its `peering` table routes to.
    arriving: BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// Table ID → the region of its gateway.
    table_region: BTreeMap<&'a str, &'a str>,
    /// VPC peering ID → its two VPCs.
    peerings: BTreeMap<&'a str, (&'a str, &'a str)>,
}

impl<'a> RouteIndex<'a> {
    pub fn new(plan: &'a RoutingPlan) -> Self {
        let mut routes: BTreeMap<&str, Vec<&VpcRoutePlan>> = BTreeMap::new();
        for r in &plan.vpc_routes {
            routes.entry(r.vpc.as_str()).or_default().push(r);
        }
        let mut propagated = BTreeMap::new();
        let mut tables = BTreeMap::new();
        let mut arriving = BTreeMap::new();
        let mut table_region = BTreeMap::new();
        for g in &plan.transit_gateways {
            for t in &g.route_tables {
                table_region.insert(t.id.as_str(), g.region.as_str());
                let set: BTreeSet<&str> = t.propagations.iter().map(String::as_str).collect();
                if t.name == PEERING {
                    arriving.insert(g.region.as_str(), set.clone());
                }
                propagated.insert(t.id.as_str(), set);
                tables.insert(t.id.as_str(), t);
            }
        }
        Self {
            plan,
            attachments: plan.attachments.iter().map(|a| (a.vpc.as_str(), a)).collect(),
            routes,
            propagated,
            tables,
            arriving,
            table_region,
            peerings: plan
                .vpc_peerings
                .iter()
                .map(|p| (p.id.as_str(), (p.requester.as_str(), p.accepter.as_str())))
                .collect(),
        }
    }

    /// The VPCs a transit gateway table routes to: those propagated into it
    /// in its region, and in other regions those a static route over the
    /// peering covers and the remote `peering` table routes to.
    /// `cidr_of` gives a VPC's CIDR.
    pub fn table_reach(&self, table: &str, cidr_of: impl Fn(&str) -> Option<Ipv4Net>) -> BTreeSet<&'a str> {
        let mut out = self.propagated.get(table).cloned().unwrap_or_default();
        let (Some(t), Some(region)) = (self.tables.get(table), self.table_region.get(table)) else { return out };
        for (r, arriving) in &self.arriving {
            if r == region {
                continue;
            }
            for v in arriving {
                if cidr_of(v).is_some_and(|c| t.static_routes.iter().any(|s| s.cidr.contains(c))) {
                    out.insert(v);
                }
            }
        }
        out
    }

    /// The VPC at the other end of VPC peering `id` from `vpc`.
    pub fn peer(&self, id: &str, vpc: &str) -> Option<&'a str> {
        let (a, b) = self.peerings.get(id)?;
        if *a == vpc {
            Some(b)
        } else if *b == vpc {
            Some(a)
        } else {
            None
        }
    }

    pub fn mode(&self) -> Option<TransitMode> {
        self.plan.mode
    }

    /// Every route of `vpc`'s own route tables.
    pub fn routes_of(&self, vpc: &str) -> &[&'a VpcRoutePlan] {
        self.routes.get(vpc).map_or(&[], Vec::as_slice)
    }

    /// The VPC route of `from` that covers `to`, if any.
    pub fn vpc_route(&self, from: &str, to: Ipv4Net) -> Option<&'a VpcRoutePlan> {
        self.routes.get(from)?.iter().copied().find(|r| r.destination.contains(to))
    }

    pub fn attachment(&self, vpc: &str) -> Option<&'a AttachmentPlan> {
        self.attachments.get(vpc).copied()
    }

    /// Whether the TGW table of `from`'s attachment routes to `to`: by
    /// propagation in one region, or by a static route over the peering and
    /// the remote `peering` table.
    pub fn table_routes(&self, from: &str, to: &str, to_cidr: Ipv4Net, to_region: &str) -> bool {
        let Some(att) = self.attachment(from) else { return false };
        if att.region == to_region {
            return self.propagated.get(att.route_table.as_str()).is_some_and(|s| s.contains(to));
        }
        let arrives = self.arriving.get(to_region).is_some_and(|s| s.contains(to));
        let table = self.tables.get(att.route_table.as_str());
        arrives && table.is_some_and(|t| t.static_routes.iter().any(|r| r.cidr.contains(to_cidr)))
    }
}
