//! The topology spec, v1alpha1, as Rust types.
//!
//! serde reads it, schemars writes its JSON Schema (committed as
//! `core/schema/topology.schema.json`), and validator checks the field-level
//! rules (account IDs, ranges) after the structure is known to be right.
//! Semantic rules that span several fields live in `crate::validate`.

mod field_checks;
mod tier;

pub use tier::Tier;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use validator::Validate;

/// The `apiVersion` this build reads.
pub const API_VERSION: &str = "linkplan/v1alpha1";

/// A Linkplan topology: accounts, VPCs, how they connect, and what must be
/// reachable from where.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "Linkplan topology (linkplan/v1alpha1)")]
pub struct Topology {
    /// Always `linkplan/v1alpha1`.
    pub api_version: ApiVersion,
    /// The topology's name; it prefixes stack names.
    pub name: String,
    /// The AWS Organization, when the accounts belong to one; used for
    /// `aws:PrincipalOrgID` conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub organization: Option<Organization>,
    /// The AWS accounts, by the names the rest of the file uses.
    #[validate(nested)]
    pub accounts: BTreeMap<String, Account>,
    /// Where unsized VPCs are allocated, and what nothing may overlap.
    #[serde(default)]
    pub addressing: Addressing,
    /// The VPCs, by name.
    #[validate(nested)]
    pub vpcs: BTreeMap<String, Vpc>,
    /// How VPCs are connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit: Option<Transit>,
    /// VPC endpoints; `share` makes a VPC a hub for other VPCs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<EndpointGroup>,
    /// How shared endpoint names reach consumer VPCs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    /// What must be reachable from where; the planner proves it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
    /// The Amazon Bedrock serving account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bedrock: Option<Bedrock>,
    /// SageMaker Studio domains and their access portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub studio: Option<Studio>,
    /// PrivateLink endpoint services of your own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[validate(nested)]
    pub privatelink: Vec<PrivateLinkService>,
    /// AWS quotas the accounts have raised above the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotas: Option<Quotas>,
    /// What must not reach what: each entry is proved like a need, and a
    /// path found is LP070.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub isolation: Vec<Isolation>,
}

impl Topology {
    /// The hub VPCs, each with the VPCs it serves: a hub is a VPC whose
    /// endpoints are shared (`endpoints[].share`). The one place this is
    /// decided; consumers that are not VPCs of the topology are left out
    /// (LP010 reports them).
    pub fn hub_consumers(&self) -> BTreeMap<&str, BTreeSet<&str>> {
        let mut hubs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for g in self.endpoints.iter().filter(|g| !g.share.is_empty() && self.vpcs.contains_key(&g.vpc)) {
            hubs.entry(g.vpc.as_str())
                .or_default()
                .extend(g.share.iter().map(String::as_str).filter(|c| self.vpcs.contains_key(*c)));
        }
        hubs
    }

    /// The hub VPCs (see [`Topology::hub_consumers`]).
    pub fn hubs(&self) -> BTreeSet<&str> {
        self.hub_consumers().into_keys().collect()
    }

    /// The segment of VPC `v`: its `segment`, or [`DEFAULT_SEGMENT`].
    pub fn segment_of(&self, v: &str) -> &str {
        self.vpcs.get(v).and_then(|p| p.segment.as_deref()).unwrap_or(DEFAULT_SEGMENT)
    }

    /// The VPCs something runs in: listed workloads, the Bedrock function,
    /// Studio's domains and portal, and PrivateLink producers. A hub VPC
    /// outside this set holds endpoints only and gets no `workload` tier.
    pub fn workload_vpcs(&self) -> BTreeSet<&str> {
        let mut out: BTreeSet<&str> = self.workloads.iter().filter_map(|w| w.vpc.as_deref()).collect();
        out.extend(self.bedrock.iter().map(|b| b.vpc.as_str()));
        if let Some(s) = &self.studio {
            out.extend(s.domains.iter().map(|d| d.vpc.as_str()));
            out.insert(s.portal.vpc.as_str());
        }
        out.extend(self.privatelink.iter().map(|p| p.producer.vpc.as_str()));
        out
    }
}

/// The segment of a VPC that names none.
pub const DEFAULT_SEGMENT: &str = "default";

/// One isolation assertion: nothing in `from` may reach `to` (with
/// `to.service`, the endpoints of that service in `to`), in either direction
/// when both are networks.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Isolation {
    pub from: IsolationScope,
    pub to: IsolationScope,
}

/// A segment or a VPC (exactly one), and in `to` optionally a service.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IsolationScope {
    /// A segment of `transit.segments` (or `default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// A VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    /// A service short name (`bedrock-runtime`, or `bedrock-runtime@eu-central-1`):
    /// only its endpoints in the scope must be out of reach. Only in `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum ApiVersion {
    #[serde(rename = "linkplan/v1alpha1")]
    V1Alpha1,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// The organization ID, `o-` and 10 to 32 lowercase letters or digits.
    #[validate(custom(function = "field_checks::organization_id"))]
    pub id: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account ID, as a quoted string.
    #[validate(custom(function = "field_checks::account_id"))]
    pub id: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Addressing {
    /// Pools unsized VPCs are allocated from, in order.
    #[serde(default)]
    pub pools: Vec<Pool>,
    /// Ranges nothing may overlap (on-premises, VPCs not managed here).
    #[serde(default)]
    pub reserved: Vec<Reserved>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    /// An IPv4 CIDR such as `10.0.0.0/8`.
    pub cidr: String,
    /// Only VPCs of these regions are allocated from this pool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reserved {
    pub name: String,
    pub cidr: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    /// The account name (a key of `accounts`).
    pub account: String,
    /// The AWS region, e.g. `us-east-1`.
    pub region: String,
    /// A fixed IPv4 CIDR; give this or `size`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// The prefix length to allocate from the pools (16 to 28); give this or `cidr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 16, max = 28))]
    pub size: Option<u32>,
    /// AZ IDs (`use1-az1`), or a count to take the first N of the region.
    pub azs: Azs,
    /// Per-AZ subnet prefix length of each tier, or `auto`.
    /// Default: `{workload: auto, endpoints: auto, transit: 28}` (transit only
    /// for VPCs attached to the transit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<BTreeMap<String, SubnetSize>>,
    /// Routing segment (e.g. `prod`): VPCs reach only hubs and VPCs of their
    /// own segment unless `transit.segments` says otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// The name this VPC had in the lock before it was renamed: it keeps
    /// that entry's CIDR, subnets and CloudFormation logical IDs instead of
    /// being planned (and deployed) as a new VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Azs {
    /// Take the first N AZ IDs of the region.
    Count(u32),
    /// These AZ IDs.
    Ids(Vec<String>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum SubnetSize {
    /// A prefix length, 16 to 28.
    Prefix(#[schemars(range(min = 16, max = 28))] u32),
    /// Sized by the planner.
    Auto(AutoWord),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum AutoWord {
    #[serde(rename = "auto")]
    Auto,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transit {
    pub mode: TransitMode,
    /// The account that owns the transit gateway in each region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The VPCs attached; transit gateways of several regions are peered.
    #[serde(default)]
    pub attach: Vec<String>,
    /// Which segments may reach which others, beyond their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segments: Option<BTreeMap<String, SegmentPolicy>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TransitMode {
    TransitGateway,
    VpcPeering,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentPolicy {
    /// Segments this one may reach (routes are installed both ways).
    #[serde(default)]
    pub reaches: Vec<String>,
    /// Segments whose VPCs this segment's hubs may share endpoints with,
    /// though the segments do not reach each other: the exception opens
    /// routes between those VPCs and the hubs only, and the hubs must hold
    /// endpoints only (TCP 443 from their consumers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serves: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointGroup {
    /// The VPC the endpoints are created in.
    pub vpc: String,
    /// Service short names, e.g. `bedrock-runtime`, `sts`, `sagemaker.api`.
    pub services: Vec<String>,
    /// VPCs that resolve these services to this VPC (a hub).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub share: Vec<String>,
    /// Who the endpoint policy admits. Default: the organization when one is
    /// given, else the topology's accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<EndpointPolicy>,
    /// Whom the endpoints' security groups admit from each VPC they serve:
    /// `needs` (the default), the subnets of the workloads that need the
    /// service; `vpcs`, the whole VPC. A VPC that declares no workloads is
    /// admitted whole either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admit: Option<Admit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Admit {
    /// The tier subnets of the workloads that need the service.
    Needs,
    /// Every address of each VPC served.
    Vpcs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointPolicy {
    /// Principals of the organization (`aws:PrincipalOrgID`).
    Organization,
    /// Principals of the topology's accounts.
    Accounts,
    /// The AWS default full-access policy (reported as a weakness).
    FullAccess,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Dns {
    pub mode: DnsMode,
    /// On-premises networks served by the resolver mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_premises: Option<OnPremises>,
    /// `profile` mode only: how a Profile answers for a hub endpoint whose
    /// consumers are all in the hub's region. `endpoint` (the default): the
    /// endpoint's own private DNS, the endpoint associated with the Profile;
    /// `hosted-zone`: a private hosted zone per name with alias records, as
    /// for consumers in other regions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_names: Option<ProfileNames>,
}

/// Where a Route 53 Profile's names of a hub endpoint come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileNames {
    /// The interface endpoint itself, private DNS on, associated with the
    /// Profile ("Associate interface VPC endpoints to a Route 53 Profile").
    #[default]
    Endpoint,
    /// A private hosted zone per name, alias records to the endpoint, held
    /// by the Profile.
    HostedZone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DnsMode {
    /// A Route 53 Profile per region, shared by RAM.
    Profile,
    /// Private hosted zones associated with each consumer VPC.
    Association,
    /// An inbound resolver in the hub and forwarding rules shared by RAM.
    Resolver,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnPremises {
    pub cidrs: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Workload {
    pub name: String,
    /// The VPC it runs in; a `client` on premises names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    /// What runs: it decides the workload's principal and the needs AWS
    /// documents for it. Without a kind, generic compute whose principal is a
    /// role of its VPC's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<WorkloadKind>,
    /// The tier of its VPC it runs in (default `workload`): endpoint security
    /// groups admit that tier's subnets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// A `client` outside AWS, on the networks of `dns.onPremises`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_premises: bool,
    /// `service` (the workload's own region) or `service@region`, besides
    /// those its kind implies.
    #[serde(default)]
    pub needs: Vec<String>,
}

/// What a workload is, as AWS sees its calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadKind {
    /// A Lambda function in the VPC: its execution role calls.
    Lambda,
    /// A SageMaker notebook instance with direct internet access off.
    Notebook,
    /// A SageMaker Studio domain's apps (`VpcOnly`).
    Studio,
    /// EC2 instances or containers: their instance or task role calls.
    Instance,
    /// Outside AWS (on premises, a browser): anonymous to AWS, may carry a
    /// bearer token.
    Client,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Lambda => "lambda",
            WorkloadKind::Notebook => "notebook",
            WorkloadKind::Studio => "studio",
            WorkloadKind::Instance => "instance",
            WorkloadKind::Client => "client",
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bedrock {
    pub account: String,
    pub vpc: String,
    /// Model IDs that may be invoked; never a wildcard by default.
    pub models: Vec<String>,
    /// Accounts whose workloads may call the ML account's function.
    #[serde(default)]
    pub invokers: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Studio {
    #[validate(nested)]
    pub portal: StudioPortal,
    pub domains: Vec<StudioDomain>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StudioPortal {
    pub account: String,
    pub vpc: String,
    /// Lifetime of presigned Studio URLs, 5 to 300 seconds.
    #[serde(default = "default_presigned_ttl")]
    #[schemars(range(min = 5, max = 300))]
    pub presigned_url_ttl_seconds: u32,
}

fn default_presigned_ttl() -> u32 {
    20
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StudioDomain {
    /// The line of business.
    pub lob: String,
    pub account: String,
    pub vpc: String,
    #[serde(default)]
    pub users: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PrivateLinkService {
    pub name: String,
    #[validate(nested)]
    pub producer: Producer,
    /// VPCs that get an interface endpoint to the service.
    pub consumers: Vec<String>,
    /// Connection requests wait for the producer's acceptance. Default true.
    #[serde(default = "default_true")]
    pub acceptance_required: bool,
    /// Consumers may be in other regions (cross-region PrivateLink). Default false.
    #[serde(default)]
    pub cross_region: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Producer {
    pub vpc: String,
    #[schemars(range(min = 1, max = 65535))]
    pub port: u32,
}

/// Raised AWS quotas; every field is optional and replaces the default.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Quotas {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_endpoints_per_vpc: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpcs_per_hosted_zone: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpcs_per_region: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_inbound_rules: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateways_per_region: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_attachments: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_gateway_routes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolver_rules_per_region: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolver_rule_associations: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profiles_per_region: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpcs_per_profile: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones_per_profile: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets_per_vpc: Option<u32>,
    /// Routes per VPC route table (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes_per_route_table: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources_per_stack: Option<u32>,
}

/// The JSON Schema of the topology file, as committed in the repo.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Topology)).unwrap_or_default()
}
