//! The reachability proof: for every `workloads[].needs` entry, the path a
//! request takes — the name resolves (zone, Profile or resolver rule) to the
//! endpoint's ENIs, the route goes there and back, the endpoint's security
//! group admits the workload's CIDR on the service's ports — read off the plans, never
//! re-derived. A failed proof is LP031 naming the first missing link.

use super::Ctx;
use super::dns::DnsPlan;
use super::endpoints::EndpointPlan;
use super::iam::{IamPlan, RoleId, RolePlan};
use super::routing::{RouteIndex, RouteVia, RoutingPlan, TransitGatewayPlan};
use super::studio::StudioPlan;
use super::workloads::{Place, PrincipalRef, Subject};
use crate::access::{Action, Caller, Context, Identity, Policies, Request, Target, Verdict, authorize};
use crate::catalog::{self, EndpointKind};
use crate::cidr::Ipv4Net;
use crate::diagnostic::{Finding, Rule};
use crate::plan::VpcPlan;
use crate::source::Pointer;
use crate::spec::{DnsMode, Tier, TransitMode};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Proof {
    pub workload: String,
    /// The workload's VPC; none for a client on premises.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    /// The need as written, e.g. `sts@us-east-1`, or the flow, e.g.
    /// `flow:bedrock` (the service and region of its last hop).
    pub need: String,
    pub service: String,
    pub region: String,
    /// Who calls: a role ARN (`arn:aws:iam::<account>:role/*` for a role of
    /// the account that Linkplan does not write) or `anonymous`.
    pub principal: String,
    pub status: ProofStatus,
    /// `status` is `ok`.
    pub ok: bool,
    /// Why the need is there when the topology does not write it: the AWS
    /// page for the workload's kind, or the construct that calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implied_by: Option<String>,
    /// The links of the path, in order, when `ok` (for a need).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<Step>,
    /// The first missing link, when not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Step>,
    /// A flow's hops, in order: each a request of its own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hops: Vec<Hop>,
}

/// One request of a flow: who calls what, the path it takes and the
/// policies on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    pub principal: String,
    /// The IAM action, e.g. `sts:AssumeRole`.
    pub action: String,
    pub resource: String,
    /// Where the request leaves from: a VPC, or `on-premises`.
    pub from: String,
    pub service: String,
    pub region: String,
    pub status: ProofStatus,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Step>,
}

/// A proof's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProofStatus {
    /// Every link holds.
    Ok,
    /// A link is missing or a policy refuses: LP031 (LP030 for a region).
    Refused,
    /// A policy uses a key or operator the evaluator does not model: LP039.
    Unknown,
    /// The topology cannot say yet what a link needs (on-premises routes): LP039.
    Unproved,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Step {
    pub link: LinkKind,
    pub detail: String,
}

/// What a step of a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// The service is offered in the region.
    Service,
    /// An endpoint serves the service to the workload's VPC.
    Endpoint,
    /// The service's names resolve to the endpoint in the workload's VPC.
    Dns,
    /// A route goes to the endpoint's VPC and back.
    Route,
    /// The endpoint's security group admits the workload.
    SecurityGroup,
    /// The VPC endpoint's policy admits the caller.
    EndpointPolicy,
    /// The caller's identity policy allows the action.
    IdentityPolicy,
    /// The role's trust policy lets the caller assume it.
    TrustPolicy,
    /// The target's resource-based policy allows the caller.
    ResourcePolicy,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Service => "service",
            LinkKind::Endpoint => "endpoint",
            LinkKind::Dns => "dns",
            LinkKind::Route => "route",
            LinkKind::SecurityGroup => "security-group",
            LinkKind::EndpointPolicy => "endpoint-policy",
            LinkKind::IdentityPolicy => "identity-policy",
            LinkKind::TrustPolicy => "trust-policy",
            LinkKind::ResourcePolicy => "resource-policy",
        }
    }
}

impl std::fmt::Display for LinkKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn step(link: LinkKind, detail: impl Into<String>) -> Step {
    Step { link, detail: detail.into() }
}

/// The first missing link of a path, and what would supply it.
pub(crate) struct Missing {
    pub(crate) status: ProofStatus,
    pub(crate) step: Step,
    pub(crate) hint: Option<String>,
}

fn missing(link: LinkKind, detail: impl Into<String>, hint: impl Into<String>) -> Missing {
    Missing { status: ProofStatus::Refused, step: step(link, detail), hint: Some(hint.into()) }
}

fn missing_no_hint(link: LinkKind, detail: impl Into<String>) -> Missing {
    Missing { status: ProofStatus::Refused, step: step(link, detail), hint: None }
}

/// The plans the proof reads: those of the network and the IAM plan whose
/// policies are on the way.
pub struct Inputs<'a> {
    pub endpoints: &'a [EndpointPlan],
    pub dns: &'a DnsPlan,
    pub routing: &'a RoutingPlan,
    pub iam: &'a IamPlan,
    pub studio: Option<&'a StudioPlan>,
    pub privatelink: &'a [super::privatelink::PrivateLinkPlan],
    pub subjects: &'a [Subject],
}

pub fn prove(cx: &Ctx<'_>, inputs: &Inputs<'_>, out: &mut Vec<Finding>) -> Vec<Proof> {
    let pc = ProofCtx::new(cx, inputs);
    let mut proofs = Vec::new();
    for w in inputs.subjects {
        let caller = pc.caller(&w.principal);
        for need in &w.needs {
            let Some(service) = catalog::service(&need.service) else { continue };
            if crate::regions::azs(&need.region).is_none() {
                continue;
            }
            let call = Call {
                caller: caller.clone(),
                action: Action::AnyOf(iam_prefix(service.short)),
                resource: "*".into(),
                aliases: Vec::new(),
                identity: Identity::NotDecided,
                target: Target::None,
            };
            // an anonymous caller has no identity an endpoint's policy could
            // admit for a whole service: what it may call is decided request
            // by request, in the flows it takes part in
            if caller == Caller::Anonymous && super::flows::covers_anonymous(pc.inputs, &need.service, &need.region) {
                continue;
            }
            let result = if caller == Caller::Anonymous {
                pc.network(&w.place, service, &need.region).and_then(|steps| {
                    Err(Missing {
                        status: ProofStatus::Unproved,
                        step: step(
                            LinkKind::EndpointPolicy,
                            format!(
                                "the network path holds ({} links), but no flow Linkplan plans says what an anonymous caller calls through `{}`",
                                steps.len(),
                                need.service
                            ),
                        ),
                        hint: Some("anonymous callers are admitted only for the planned flows (the Studio portal); give the workload a role (a kind other than `client`)".into()),
                    })
                })
            } else {
                pc.hop(&w.place, service, &need.region, &call).map(|(steps, _)| steps)
            };
            let mut proof = Proof {
                workload: w.name.clone(),
                vpc: w.vpc().map(str::to_owned),
                need: need.written.clone(),
                service: need.service.clone(),
                region: need.region.clone(),
                principal: caller.describe(),
                status: ProofStatus::Ok,
                ok: true,
                implied_by: need.implied_by.map(str::to_owned),
                path: Vec::new(),
                reason: None,
                hops: Vec::new(),
            };
            match result {
                Ok(steps) => proof.path = steps,
                Err(m) => {
                    let implied = need.implied_by.map(|p| format!(" (needed by its kind: {p})")).unwrap_or_default();
                    let what = format!(
                        "workload `{}`{} cannot reach `{}` in {}{implied}",
                        w.name,
                        w.vpc().map(|v| format!(" in VPC `{v}`")).unwrap_or_default(),
                        need.service,
                        need.region
                    );
                    out.push(finding(&m, &need.at, &what));
                    proof.fail(m);
                }
            }
            proofs.push(proof);
        }
    }
    proofs.extend(super::flows::prove(&pc, out));
    proofs
}

/// The finding of a failed proof: LP030 for a region without the service,
/// LP031 for a refused link, LP039 for one that cannot be decided.
pub(crate) fn finding(m: &Missing, at: &Pointer, what: &str) -> Finding {
    let rule = match (m.status, m.step.link) {
        (ProofStatus::Unknown | ProofStatus::Unproved, _) => Rule::Lp039,
        (_, LinkKind::Service) => Rule::Lp030,
        _ => Rule::Lp031,
    };
    let verdict = match m.status {
        ProofStatus::Unknown => "cannot be decided",
        ProofStatus::Unproved => "is not proved",
        _ => "missing link",
    };
    let f = Finding::at(rule, at, format!("{what}: {} ({verdict}: {})", m.step.detail, m.step.link));
    match &m.hint {
        Some(h) => f.hint(h.clone()),
        None => f,
    }
}

impl Proof {
    pub(crate) fn fail(&mut self, m: Missing) {
        self.status = m.status;
        self.ok = false;
        self.reason = Some(m.step);
    }
}

/// What would make a refusing policy allow the request.
fn policy_hint(link: LinkKind) -> String {
    match link {
        LinkKind::EndpointPolicy => {
            "the endpoint's policy (`endpoints[].policy`) must admit this caller: an anonymous caller is admitted only where Linkplan plans it (the Studio portal's API)".into()
        }
        LinkKind::IdentityPolicy => "the caller's role does not allow the call; this is what Linkplan plans for it, so the topology must list what it calls (models, functions, users)".into(),
        LinkKind::TrustPolicy => "the role's trust policy does not admit the caller: check the accounts that may assume it (`bedrock.invokers`, the portal's account)".into(),
        _ => "the target's resource policy does not admit the caller through this endpoint".into(),
    }
}

/// The IAM service prefix of a catalog service's actions
/// (<https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>).
pub(crate) fn iam_prefix(short: &str) -> &str {
    let base = short.split('.').next().unwrap_or(short);
    match base {
        "bedrock-runtime" | "bedrock-agent" | "bedrock-agent-runtime" => "bedrock",
        "monitoring" => "cloudwatch",
        "execute-api" => "execute-api",
        other => other,
    }
}

/// One request of a proof, besides the network path it takes.
pub(crate) struct Call<'a> {
    pub(crate) caller: Caller,
    pub(crate) action: Action<'a>,
    pub(crate) resource: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) identity: Identity<'a>,
    pub(crate) target: Target<'a>,
}

/// Membership of the plan's long lists (consumers of an endpoint, VPCs of a
/// zone, Profile or rule), hashed once so that each proof step is a lookup
/// rather than a scan: a hub may serve thousands of VPCs.
struct Members<'a> {
    of: HashMap<(MemberKind, &'a str), HashSet<&'a str>>,
}

/// Which list of the plan a membership is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum MemberKind {
    /// The VPCs a hub endpoint is shared with.
    EndpointConsumers,
    /// The VPCs a hosted zone is associated with.
    ZoneVpcs,
    /// The VPCs a Route 53 Profile is associated with.
    ProfileVpcs,
    /// The zones a Route 53 Profile holds.
    ProfileZones,
    /// The endpoints a Route 53 Profile holds.
    ProfileEndpoints,
    /// The VPCs a resolver rule is associated with.
    RuleVpcs,
}

impl<'a> Members<'a> {
    fn new(endpoints: &'a [EndpointPlan], dns: &'a DnsPlan) -> Self {
        let mut of: HashMap<(MemberKind, &'a str), HashSet<&'a str>> = HashMap::new();
        let mut add = |kind: MemberKind, id: &'a str, list: &'a [String]| {
            of.entry((kind, id)).or_default().extend(list.iter().map(String::as_str));
        };
        for e in endpoints {
            add(MemberKind::EndpointConsumers, &e.id, &e.shared_with);
        }
        for z in &dns.hosted_zones {
            add(MemberKind::ZoneVpcs, &z.id, &z.associations);
        }
        for p in &dns.profiles {
            add(MemberKind::ProfileVpcs, &p.id, &p.associations);
            add(MemberKind::ProfileZones, &p.id, &p.zones);
            add(MemberKind::ProfileEndpoints, &p.id, &p.endpoints);
        }
        for r in &dns.resolver_rules {
            add(MemberKind::RuleVpcs, &r.id, &r.associations);
        }
        Self { of }
    }

    fn has(&self, kind: MemberKind, id: &str, member: &str) -> bool {
        self.of.get(&(kind, id)).is_some_and(|s| s.contains(member))
    }
}

/// The plans a proof reads, with the indexes that make each step a lookup.
pub(crate) struct ProofCtx<'a> {
    pub(crate) cx: &'a Ctx<'a>,
    pub(crate) inputs: &'a Inputs<'a>,
    endpoints: &'a [EndpointPlan],
    dns: &'a DnsPlan,
    routing: RouteIndex<'a>,
    members: Members<'a>,
    /// The planned roles' ARNs by ID, for `{{role-arn:…}}` placeholders.
    pub(crate) role_arns: BTreeMap<String, String>,
}

impl<'a> ProofCtx<'a> {
    fn new(cx: &'a Ctx<'a>, inputs: &'a Inputs<'a>) -> Self {
        ProofCtx {
            cx,
            inputs,
            endpoints: inputs.endpoints,
            dns: inputs.dns,
            routing: RouteIndex::new(inputs.routing),
            members: Members::new(inputs.endpoints, inputs.dns),
            role_arns: inputs.iam.roles.iter().map(|r| (r.id.as_string(), r.arn.clone())).collect(),
        }
    }

    pub(crate) fn role(&self, id: &RoleId) -> Option<&'a RolePlan> {
        self.inputs.iam.roles.iter().find(|r| r.id == *id)
    }

    /// A planned role as a caller.
    pub(crate) fn role_caller(r: &RolePlan) -> Caller {
        Caller::Role { arn: r.arn.clone(), account: r.account_id.clone() }
    }

    /// The caller a workload's principal is.
    pub(crate) fn caller(&self, p: &PrincipalRef) -> Caller {
        match p {
            PrincipalRef::Planned(id) => match self.role(id) {
                Some(r) => Self::role_caller(r),
                None => Caller::Anonymous,
            },
            PrincipalRef::AccountRole(account) => {
                let id = self.cx.topo.accounts.get(account).map(|a| a.id.clone()).unwrap_or_default();
                Caller::Role { arn: format!("arn:aws:iam::{id}:role/*"), account: id }
            }
            PrincipalRef::Anonymous => Caller::Anonymous,
        }
    }

    /// The request context AWS gives `call` through endpoint `e`
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>):
    /// the caller's account and organization, and the endpoint it uses.
    fn context(&self, caller: &Caller, e: Option<&EndpointPlan>) -> Context {
        let mut cx = Context::default();
        if let Caller::Role { arn, account } = caller {
            cx = cx.with("aws:PrincipalAccount", account.clone()).with("aws:PrincipalArn", arn.clone());
            if let Some(org) = &self.cx.topo.organization {
                cx = cx.with("aws:PrincipalOrgID", org.id.clone());
            }
        }
        if let Some(e) = e {
            cx = cx.with("aws:SourceVpce", crate::policy::Placeholder::EndpointId(&e.id).to_string());
        }
        cx
    }

    /// The network path of a request from `from` to `service` in `region`.
    pub(crate) fn network(&self, from: &Place, service: &catalog::Service, region: &str) -> Result<Vec<Step>, Missing> {
        self.network_and_endpoint(from, service, region).map(|(steps, _)| steps)
    }

    fn network_and_endpoint(
        &self,
        from: &Place,
        service: &catalog::Service,
        region: &str,
    ) -> Result<(Vec<Step>, Option<&'a EndpointPlan>), Missing> {
        if !service.offered_in(region) {
            return Err(missing(
                LinkKind::Service,
                format!("`{}` is not offered in {region}", service.short),
                "choose a region that offers it",
            ));
        }
        let Place::Vpc { vpc, tier } = from else {
            return Err(Missing {
                status: ProofStatus::Unproved,
                step: step(
                    LinkKind::Route,
                    format!(
                        "the topology has no route from on-premises to the endpoints of `{}` in {region} (VPN or Direct Connect is not modelled yet)",
                        service.short
                    ),
                ),
                hint: Some("prove it after deploy, or run the client in a VPC the endpoint serves".into()),
            });
        };
        let wv = self
            .cx
            .vpc(vpc)
            .ok_or_else(|| missing_no_hint(LinkKind::Endpoint, format!("VPC `{vpc}` is not planned")))?;
        let mut sources: Vec<Ipv4Net> = wv.subnets.iter().filter(|s| s.tier == *tier).map(|s| s.cidr).collect();
        if sources.is_empty() {
            sources.push(wv.cidr);
        }
        self.path(vpc, wv, service, region, &sources)
    }

    /// One request from `from` to `service` in `region`: the network path,
    /// then every policy on it. Gives the steps and the endpoint used.
    pub(crate) fn hop(
        &self,
        from: &Place,
        service: &catalog::Service,
        region: &str,
        call: &Call<'_>,
    ) -> Result<(Vec<Step>, Option<&'a EndpointPlan>), Missing> {
        let (mut steps, endpoint) = self.network_and_endpoint(from, service, region)?;
        let context = self.context(&call.caller, endpoint);
        let mut req = Request::new(&call.caller, call.action, &call.resource, &context).with_roles(&self.role_arns);
        for a in &call.aliases {
            req = req.alias(a.clone());
        }
        let policies = Policies {
            endpoint: endpoint.map(|e| (e.id.as_str(), &e.policy)),
            identity: call.identity,
            target: call.target,
        };
        match authorize(&req, &policies) {
            Verdict::Allowed(more) => {
                steps.extend(more);
                Ok((steps, endpoint))
            }
            Verdict::Refused(step) => {
                Err(Missing { status: ProofStatus::Refused, hint: Some(policy_hint(step.link)), step })
            }
            Verdict::Unknown(step) => Err(Missing {
                status: ProofStatus::Unknown,
                step,
                hint: Some("the policy uses a condition Linkplan cannot evaluate; prove it after deploy".into()),
            }),
        }
    }

    /// The network path from the `sources` of workload VPC `w` to `service`
    /// in `region`, and the endpoint that serves it.
    fn path(
        &self,
        w: &str,
        wv: &VpcPlan,
        service: &catalog::Service,
        region: &str,
        sources: &[Ipv4Net],
    ) -> Result<(Vec<Step>, Option<&'a EndpointPlan>), Missing> {
        let (cx, endpoints, members) = (self.cx, self.endpoints, &self.members);
        let short = service.short;
        // 1. a local endpoint answers with its own private DNS (or route table)
        if let Some(e) = endpoints.iter().find(|e| e.vpc == w && e.service == short && e.region == region) {
            if e.kind == EndpointKind::Gateway {
                return Ok((
                    vec![
                        step(LinkKind::Endpoint, format!("gateway endpoint `{}` ({})", e.id, e.service_name)),
                        step(
                            LinkKind::Route,
                            format!(
                                "the route tables of tiers {} of `{w}` send `{short}` traffic to it",
                                e.route_table_tiers.iter().map(Tier::as_str).collect::<Vec<_>>().join(", ")
                            ),
                        ),
                    ],
                    Some(e),
                ));
            }
            let mut steps = vec![self.local_names(w, e, service, region)?];
            steps.push(step(LinkKind::Endpoint, format!("`{}` ENIs in {}", e.id, list(&e.subnets))));
            steps.push(step(LinkKind::Route, format!("local to `{w}`")));
            steps.push(admits(e, sources)?);
            return Ok((steps, Some(e)));
        }
        if service.kind == EndpointKind::Gateway {
            return Err(missing(
                LinkKind::Endpoint,
                format!("`{short}` is a gateway endpoint and `{w}` has none of its own"),
                format!("add `{short}` to an endpoints entry of `{w}`: gateway endpoints serve only their own VPC"),
            ));
        }
        // 2. a hub shares it with this VPC
        let Some(e) = endpoints
            .iter()
            .find(|e| e.service == short && e.region == region && members.has(MemberKind::EndpointConsumers, &e.id, w))
        else {
            let hint = endpoint_hint(cx, endpoints, w, wv, short, region);
            return Err(missing(
                LinkKind::Endpoint,
                format!("no endpoint serves `{short}` in {region} to `{w}`"),
                hint,
            ));
        };
        let hv = cx
            .vpc(&e.vpc)
            .ok_or_else(|| missing_no_hint(LinkKind::Endpoint, format!("hub `{}` is not planned", e.vpc)))?;
        let mut steps = vec![self.resolves(w, wv, e, service, region)?];
        steps.push(step(LinkKind::Endpoint, format!("`{}` ENIs in hub `{}` {}", e.id, e.vpc, list(&e.subnets))));
        steps.push(self.route(w, wv, &e.vpc, hv)?);
        steps.push(admits(e, sources)?);
        Ok((steps, Some(e)))
    }

    /// How a VPC's own interface endpoint's names resolve in it: its
    /// private DNS, or (a hub endpoint with private DNS off) the hub's zones
    /// associated with the hub itself.
    fn local_names(
        &self,
        w: &str,
        e: &EndpointPlan,
        service: &catalog::Service,
        region: &str,
    ) -> Result<Step, Missing> {
        let names = names(service, region);
        if e.private_dns {
            return Ok(step(LinkKind::Dns, format!("private DNS of endpoint `{}` answers {names} in `{w}`", e.id)));
        }
        if !service.has_dns() {
            return Ok(step(
                LinkKind::Dns,
                format!(
                    "`{}` has no private DNS name: `{w}` calls endpoint `{}` by its own DNS names",
                    service.short, e.id
                ),
            ));
        }
        let zones: Vec<_> = self.dns.hosted_zones.iter().filter(|z| z.endpoint == e.id).collect();
        if zones.is_empty() || zones.iter().any(|z| !self.members.has(MemberKind::ZoneVpcs, &z.id, w)) {
            return Err(missing(
                LinkKind::Dns,
                format!("endpoint `{}` has private DNS off and no zone of its names is associated with `{w}`", e.id),
                "set `dns.mode`, or give the endpoint's names a zone",
            ));
        }
        Ok(step(
            LinkKind::Dns,
            format!("{names} resolve through the hub's zones associated with `{w}`, aliased to `{}`", e.id),
        ))
    }

    /// How the hub's names resolve in the workload's VPC, by `dns.mode`.
    fn resolves(
        &self,
        w: &str,
        wv: &VpcPlan,
        e: &EndpointPlan,
        service: &catalog::Service,
        region: &str,
    ) -> Result<Step, Missing> {
        let (dns, members) = (self.dns, &self.members);
        if !service.has_dns() {
            return Err(missing(
                LinkKind::Dns,
                format!("`{}` has no private DNS name a hub can serve", service.short),
                "give the VPC an endpoint of its own",
            ));
        }
        let names = names(service, region);
        // a Profile holding the endpoint itself answers with its private DNS
        if dns.mode == Some(DnsMode::Profile) && e.private_dns {
            let profile = dns.profiles.iter().find(|p| {
                members.has(MemberKind::ProfileVpcs, &p.id, w)
                    && members.has(MemberKind::ProfileEndpoints, &p.id, &e.id)
            });
            return match profile {
                Some(p) => Ok(step(
                    LinkKind::Dns,
                    format!(
                        "{names} answer with the private DNS of `{}`, associated with Route 53 Profile `{}` of `{w}`",
                        e.id, p.name
                    ),
                )),
                None => Err(missing(
                    LinkKind::Dns,
                    format!("no Route 53 Profile associated with `{w}` holds endpoint `{}`", e.id),
                    format!("share the endpoint with `{w}`"),
                )),
            };
        }
        let zones: Vec<_> = dns.hosted_zones.iter().filter(|z| z.endpoint == e.id).collect();
        if zones.is_empty() {
            return Err(missing(LinkKind::Dns, format!("no hosted zone serves `{}`'s names", e.id), "set `dns.mode`"));
        }
        match dns.mode {
            None => Err(missing(LinkKind::Dns, "`dns.mode` is not set".to_owned(), "add `dns: { mode: profile }`")),
            Some(DnsMode::Association) => {
                if let Some(z) = zones.iter().find(|z| !members.has(MemberKind::ZoneVpcs, &z.id, w)) {
                    return Err(missing(
                        LinkKind::Dns,
                        format!("zone `{}` is not associated with `{w}`", z.name),
                        format!("share the endpoint with `{w}`"),
                    ));
                }
                Ok(step(LinkKind::Dns, format!("{names} resolve through zones associated with `{w}`")))
            }
            Some(DnsMode::Profile) => {
                let profile = dns.profiles.iter().find(|p| {
                    members.has(MemberKind::ProfileVpcs, &p.id, w)
                        && zones.iter().all(|z| members.has(MemberKind::ProfileZones, &p.id, &z.id))
                });
                match profile {
                    Some(p) => Ok(step(
                        LinkKind::Dns,
                        format!("{names} resolve through Route 53 Profile `{}` associated with `{w}`", p.name),
                    )),
                    None => Err(missing(
                        LinkKind::Dns,
                        format!("no Route 53 Profile associated with `{w}` holds {names}"),
                        format!("share the endpoint with `{w}`"),
                    )),
                }
            }
            Some(DnsMode::Resolver) => {
                if wv.region != e.region {
                    return Err(missing(
                        LinkKind::Dns,
                        format!(
                            "resolver rules are regional: `{w}` is in {}, the hub's rules in {}",
                            wv.region, e.region
                        ),
                        "use `dns.mode: profile` or `association` for consumers in other regions, or a hub in their region",
                    ));
                }
                if let Some(z) = zones.iter().find(|z| !members.has(MemberKind::RuleVpcs, &z.id, w)) {
                    return Err(missing(
                        LinkKind::Dns,
                        format!("no resolver rule for `{}` is associated with `{w}`", z.name),
                        format!("share the endpoint with `{w}`"),
                    ));
                }
                Ok(step(
                    LinkKind::Dns,
                    format!(
                        "{names} forward by resolver rules associated with `{w}` to the inbound resolver of `{}`",
                        e.vpc
                    ),
                ))
            }
        }
    }

    /// The route from the workload's VPC to the hub and back.
    fn route(&self, w: &str, wv: &VpcPlan, h: &str, hv: &VpcPlan) -> Result<Step, Missing> {
        let (cx, routing) = (self.cx, &self.routing);
        let attach_hint = |v: &str| format!("add `{v}` to `transit.attach`");
        match routing.mode() {
            None => Err(missing(
                LinkKind::Route,
                format!("`{w}` and hub `{h}` are not connected: there is no `transit`"),
                "add a `transit` section attaching both",
            )),
            Some(TransitMode::TransitGateway) => {
                for v in [w, h] {
                    if routing.attachment(v).is_none() {
                        return Err(missing(
                            LinkKind::Route,
                            format!("`{v}` is not attached to a transit gateway"),
                            attach_hint(v),
                        ));
                    }
                }
                if !routing.table_routes(w, h, hv.cidr, &hv.region) {
                    let seg = cx.topo.segment_of(w);
                    return Err(missing(
                        LinkKind::Route,
                        format!("the TGW route table of `{w}` (segment `{seg}`) has no route to hub `{h}`"),
                        "let the segments reach each other in `transit.segments`, or share from a hub that serves this segment",
                    ));
                }
                if !routing.table_routes(h, w, wv.cidr, &wv.region) {
                    return Err(missing(
                        LinkKind::Route,
                        format!("the TGW route table of hub `{h}` has no route back to `{w}`"),
                        format!("share the hub's endpoints with `{w}`"),
                    ));
                }
                for (from, to, cidr) in [(w, h, hv.cidr), (h, w, wv.cidr)] {
                    if routing.vpc_route(from, cidr).is_none() {
                        return Err(missing_no_hint(
                            LinkKind::Route,
                            format!("the route tables of `{from}` have no route to `{to}` ({cidr})"),
                        ));
                    }
                }
                let via = if wv.region == hv.region {
                    TransitGatewayPlan::id_of(&wv.region)
                } else {
                    format!(
                        "{} → peering → {}",
                        TransitGatewayPlan::id_of(&wv.region),
                        TransitGatewayPlan::id_of(&hv.region)
                    )
                };
                Ok(step(LinkKind::Route, format!("`{w}` ({}) → {via} → `{h}` ({}), and back", wv.cidr, hv.cidr)))
            }
            Some(TransitMode::VpcPeering) => {
                let there = routing.vpc_route(w, hv.cidr).filter(|r| r.via == RouteVia::VpcPeering);
                let back = routing.vpc_route(h, wv.cidr).filter(|r| r.via == RouteVia::VpcPeering);
                match (there, back) {
                    (Some(r), Some(_)) => {
                        Ok(step(LinkKind::Route, format!("`{w}` → `{}` → `{h}`, and back", r.target)))
                    }
                    _ => Err(missing(
                        LinkKind::Route,
                        format!("no VPC peering routes between `{w}` and hub `{h}`"),
                        format!("{} and {}", attach_hint(w), attach_hint(h)),
                    )),
                }
            }
        }
    }
}

/// What would serve `short` in `region` to `w`: a hub of `w`'s own segment
/// (or one it reaches), in `resolver` mode in `w`'s region (resolver rules
/// are regional); when there is none, says so and proposes one.
fn endpoint_hint(cx: &Ctx<'_>, endpoints: &[EndpointPlan], w: &str, wv: &VpcPlan, short: &str, region: &str) -> String {
    // Resolver endpoints and rules are regional, and a rule is associated
    // with VPCs of its own region ("Forwarding outbound DNS queries to your
    // network", <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-outbound-queries.html>)
    let resolver = cx.topo.dns.as_ref().is_some_and(|d| d.mode == DnsMode::Resolver);
    if resolver && wv.region != region {
        return format!(
            "in `resolver` mode a hub serves the VPCs of its own region only (resolver rules are regional), so nothing can serve `{short}` in {region} to `{w}` in {}: use `dns: {{ mode: profile }}` (or `association`), or need `{short}` in {}",
            wv.region, wv.region
        );
    }
    let segment = cx.topo.segment_of(w);
    let allowed = super::routing::segment_pairs(cx.topo);
    let same_side = |v: &str| {
        let s = cx.topo.segment_of(v);
        s == segment || allowed.contains(&(s.to_owned(), segment.to_owned()))
    };
    let of_service: Vec<&EndpointPlan> =
        endpoints.iter().filter(|e| e.service == short && e.region == region).collect();
    // a hub of that service on this side of the boundary, else any VPC
    // there with it that could become one
    let candidate = of_service
        .iter()
        .filter(|e| same_side(&e.vpc) && e.vpc != w)
        .max_by_key(|e| (!e.shared_with.is_empty(), std::cmp::Reverse(e.vpc.clone())));
    if let Some(h) = candidate {
        return format!("add `{w}` to the `share` of the endpoints of `{}`", h.vpc);
    }
    let across: Vec<&str> = of_service.iter().map(|e| e.vpc.as_str()).filter(|v| !same_side(v)).collect();
    let hubs_here: Vec<&str> =
        cx.topo.hubs().into_iter().filter(|h| same_side(h) && cx.vpc(h).is_some_and(|v| v.region == region)).collect();
    // segments are named only where the topology uses them
    let (of_segment, hub_segment) = if cx.topo.vpcs.values().any(|v| v.segment.is_some()) {
        (format!(" of segment `{segment}`"), format!(" (segment `{segment}`)"))
    } else {
        (String::new(), String::new())
    };
    let mut hint = match (hubs_here.first(), wv.region == region) {
        (Some(h), _) => format!("add `{short}` to the endpoints of hub `{h}`{hub_segment} and share it with `{w}`"),
        (None, true) => format!(
            "no hub{of_segment} in {region} serves `{short}`: add `{short}` to the endpoints of `{w}`, or to a hub VPC{of_segment} in {region} shared with `{w}`"
        ),
        (None, false) => format!(
            "no hub{of_segment} in {region} serves `{short}`: add one (a VPC in {region}{hub_segment} whose endpoints list `{short}`, shared with `{w}`)"
        ),
    };
    if let Some(other) = across.first() {
        let _ = write!(
            hint,
            "; `{other}` has it, but is in segment `{}`, which `{segment}` does not reach (sharing across is LP071)",
            cx.topo.segment_of(other)
        );
    }
    hint
}

fn names(service: &catalog::Service, region: &str) -> String {
    service
        .zones_in(region)
        .iter()
        .map(|(z, apex, wildcard)| match (apex, wildcard) {
            (true, true) => format!("{z} and *.{z}"),
            (false, true) => format!("*.{z}"),
            _ => z.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(nets: &[Ipv4Net]) -> String {
    nets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// The endpoint's security group admits every subnet the workload runs in
/// (its tier's, or the whole VPC) on each of the service's ports (the
/// catalog's: 9142 for Keyspaces, not 443).
fn admits(e: &EndpointPlan, sources: &[Ipv4Net]) -> Result<Step, Missing> {
    let Some(sg) = &e.security_group else {
        return Err(missing_no_hint(LinkKind::SecurityGroup, format!("`{}` has no security group", e.id)));
    };
    let ports = catalog::service(&e.service).map_or(&[443][..], |s| s.ports);
    let in_list = |cidr: Ipv4Net| sg.prefix_list.as_ref().is_some_and(|l| l.entries.iter().any(|c| c.contains(cidr)));
    let admitted = |cidr: Ipv4Net, port: u16| {
        sg.ingress
            .iter()
            .filter(|i| i.port == port)
            .any(|i| i.cidr.is_some_and(|c| c.contains(cidr)) || (i.prefix_list.is_some() && in_list(cidr)))
    };
    let refused = sources.iter().find_map(|&c| ports.iter().find(|&&p| !admitted(c, p)).map(|&p| (c, p)));
    match refused {
        None => Ok(step(LinkKind::SecurityGroup, format!("`{}` admits {} on {}", e.id, list(sources), tcp(ports)))),
        Some((cidr, port)) => Err(missing(
            LinkKind::SecurityGroup,
            format!("the security group of `{}` does not admit {cidr} on {port}", e.id),
            "list the service in the workload's `needs` (endpoint groups admit the subnets of the workloads that need them), or share the endpoint with the workload's VPC",
        )),
    }
}

/// `TCP 443`, `TCP 25, 465, 587`.
pub(crate) fn tcp(ports: &[u16]) -> String {
    format!("TCP {}", ports.iter().map(u16::to_string).collect::<Vec<_>>().join(", "))
}

impl Proof {
    /// The proof in words, for `plan explain`.
    pub fn to_text(&self) -> String {
        let what = if self.hops.is_empty() {
            format!("{} needs {} in {}", self.workload, self.service, self.region)
        } else {
            format!("{} {} ({} hops)", self.workload, self.need, self.hops.len())
        };
        let mut s = format!("{what}, as {}: {}\n", self.principal, verdict(self.status));
        if let Some(by) = &self.implied_by {
            let _ = writeln!(s, "  needed by: {by}");
        }
        if self.hops.is_empty() {
            steps_text(&mut s, "  ", &self.path, self.reason.as_ref());
        }
        for (i, h) in self.hops.iter().enumerate() {
            let _ = writeln!(
                s,
                "  hop {}: {} {} on {} from {} via {} in {}: {}",
                i + 1,
                h.principal,
                h.action,
                h.resource,
                h.from,
                h.service,
                h.region,
                verdict(h.status)
            );
            steps_text(&mut s, "    ", &h.path, h.reason.as_ref());
        }
        s
    }
}

fn verdict(status: ProofStatus) -> &'static str {
    match status {
        ProofStatus::Ok => "reachable",
        ProofStatus::Refused => "NOT reachable",
        ProofStatus::Unknown => "cannot be decided",
        ProofStatus::Unproved => "not proved",
    }
}

fn steps_text(s: &mut String, indent: &str, path: &[Step], reason: Option<&Step>) {
    for (i, st) in path.iter().enumerate() {
        let _ = writeln!(s, "{indent}{}. {:<15} {}", i + 1, st.link, st.detail);
    }
    if let Some(r) = reason {
        let _ = writeln!(s, "{indent}missing link: {}: {}", r.link, r.detail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::endpoints::security_group_ports;

    fn endpoint(service: &str, ports: &[u16], consumer: Ipv4Net) -> EndpointPlan {
        EndpointPlan {
            id: format!("hub/{service}"),
            vpc: "hub".into(),
            account: "net".into(),
            region: "us-east-1".into(),
            service: service.into(),
            service_name: format!("com.amazonaws.us-east-1.{service}"),
            kind: EndpointKind::Interface,
            private_dns: false,
            subnets: Vec::new(),
            route_table_tiers: Vec::new(),
            security_group: Some(security_group_ports("sg", &[consumer], ports, 60)),
            policy: crate::policy::PolicyDocument::default(),
            shared_with: Vec::new(),
            id_parameter: None,
        }
    }

    #[test]
    fn the_security_group_link_checks_the_services_ports() {
        let app: Ipv4Net = "10.1.0.0/24".parse().unwrap();
        // Keyspaces listens on 9142 (CDK's KEYSPACES): a group open on 443 only refuses
        let on_443 = endpoint("cassandra", &[443], app);
        let refused = admits(&on_443, &[app]).err().map(|m| m.step.detail);
        assert_eq!(
            refused.as_deref(),
            Some("the security group of `hub/cassandra` does not admit 10.1.0.0/24 on 9142")
        );
        let ok = admits(&endpoint("cassandra", &[9142], app), &[app]).map(|s| s.detail).ok();
        assert_eq!(ok.as_deref(), Some("`hub/cassandra` admits 10.1.0.0/24 on TCP 9142"));
        // every SMTP port, through a prefix list past the rule quota too
        let mut smtp = endpoint("email-smtp", &[25, 465, 587, 2465, 2587], app);
        smtp.security_group = Some(security_group_ports("sg", &[app], &[25, 465, 587, 2465, 2587], 1));
        assert!(admits(&smtp, &[app]).is_ok());
        smtp.security_group = Some(security_group_ports("sg", &[app], &[587], 1));
        assert!(admits(&smtp, &[app]).is_err());
    }
}
