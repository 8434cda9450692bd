//! The built-in architectures as flows of several hops, each hop one request
//! of its own principal: the network path it takes and every policy on it.
//!
//! - Bedrock (seed 000): a client workload assumes the invoker role (STS),
//!   invokes the streaming function as that role (Lambda), and the function's
//!   role invokes each listed model (Bedrock runtime).
//! - Studio (seeds 002, 004): the user's browser (anonymous, a bearer token)
//!   calls the portal's private API (execute-api endpoint policy, then the
//!   API's resource policy), the portal's role assumes the LOB's URL role
//!   (trust policy), the URL role presigns through the SageMaker API
//!   endpoint, and the browser opens the URL through the Studio endpoint.
//! - PrivateLink services of the topology's own: the consumer's endpoint,
//!   the endpoint service's allowed principals and acceptance, the NLB's
//!   listener and target port.

use super::reachability::{Call, Hop, LinkKind, Missing, Proof, ProofCtx, ProofStatus, Step, finding};
use super::workloads::{Place, Subject};
use crate::access::{Action, Caller, Identity, Target};
use crate::catalog;
use crate::diagnostic::Finding;
use crate::policy::Placeholder;
use crate::source::Pointer;
use crate::spec::{Tier, WorkloadKind};

pub(crate) fn prove(pc: &ProofCtx<'_>, out: &mut Vec<Finding>) -> Vec<Proof> {
    let mut proofs = Vec::new();
    bedrock(pc, out, &mut proofs);
    studio(pc, out, &mut proofs);
    privatelink(pc, &mut proofs);
    proofs
}

/// Whether the flows decide an anonymous caller's requests to `service`
/// in `region`: the Studio portal's users call its API and open Studio.
pub(crate) fn covers_anonymous(inputs: &super::reachability::Inputs<'_>, service: &str, region: &str) -> bool {
    inputs.studio.is_some_and(|s| {
        (service == "execute-api" && s.portal.region == region)
            || (service == "sagemaker.studio" && s.domains.iter().any(|d| d.region == region))
    })
}

/// One hop to prove: where from, through which service, the request.
struct HopSpec<'a> {
    from: Place,
    service: &'static str,
    region: String,
    call: Call<'a>,
}

/// Proves the hops in order; the first that fails ends the flow.
fn flow(pc: &ProofCtx<'_>, workload: &Subject, need: String, hops: Vec<HopSpec<'_>>) -> (Proof, Option<Missing>) {
    let principal = pc.caller(&workload.principal).describe();
    let mut proof = Proof {
        workload: workload.name.clone(),
        vpc: workload.vpc().map(str::to_owned),
        need,
        service: String::new(),
        region: String::new(),
        principal,
        status: ProofStatus::Ok,
        ok: true,
        implied_by: None,
        path: Vec::new(),
        reason: None,
        hops: Vec::new(),
    };
    let mut failed = None;
    for h in hops {
        h.service.clone_into(&mut proof.service);
        proof.region.clone_from(&h.region);
        let mut hop = Hop {
            principal: h.call.caller.describe(),
            action: match h.call.action {
                Action::Exact(a) => a.to_owned(),
                Action::AnyOf(p) => format!("{p}:*"),
            },
            resource: h.call.resource.clone(),
            from: match &h.from {
                Place::Vpc { vpc, .. } => vpc.clone(),
                Place::OnPremises => "on-premises".into(),
            },
            service: h.service.to_owned(),
            region: h.region.clone(),
            status: ProofStatus::Ok,
            path: Vec::new(),
            reason: None,
        };
        let result = match catalog::service(h.service) {
            Some(service) => pc.hop(&h.from, service, &h.region, &h.call).map(|(steps, _)| steps),
            None => Err(Missing {
                status: ProofStatus::Refused,
                step: Step { link: LinkKind::Service, detail: format!("`{}` is not in the catalog", h.service) },
                hint: None,
            }),
        };
        match result {
            Ok(steps) => {
                hop.path = steps;
                proof.hops.push(hop);
            }
            Err(m) => {
                // a network link of the workload's own need is already its
                // need's finding: the flow records it, without a second one
                let network = matches!(
                    m.step.link,
                    LinkKind::Service | LinkKind::Endpoint | LinkKind::Dns | LinkKind::Route | LinkKind::SecurityGroup
                );
                // (an anonymous caller's needs are proved by its flows alone)
                let reported = network
                    && workload.principal != super::workloads::PrincipalRef::Anonymous
                    && h.from == workload.place
                    && workload.needs(h.service, &h.region);
                hop.status = m.status;
                hop.reason = Some(m.step.clone());
                proof.hops.push(hop);
                proof.status = m.status;
                proof.ok = false;
                proof.reason = Some(m.step.clone());
                failed = (!reported).then_some(m);
                break;
            }
        }
    }
    (proof, failed)
}

fn record(proofs: &mut Vec<Proof>, out: &mut Vec<Finding>, at: &Pointer, (proof, failed): (Proof, Option<Missing>)) {
    if let Some(m) = failed {
        let n = proof.hops.len();
        let what = format!(
            "flow `{}` of workload `{}` fails at hop {n} ({} by {})",
            proof.need,
            proof.workload,
            proof.hops.last().map(|h| h.action.as_str()).unwrap_or_default(),
            proof.hops.last().map(|h| h.principal.as_str()).unwrap_or_default()
        );
        out.push(finding(&m, at, &what));
    }
    proofs.push(proof);
}

/// The Bedrock flow of every listed workload that needs the function's
/// Lambda endpoint: it is a client of the ML account's function.
fn bedrock(pc: &ProofCtx<'_>, out: &mut Vec<Finding>, proofs: &mut Vec<Proof>) {
    let Some(b) = &pc.inputs.iam.bedrock else { return };
    let (Some(invoker), Some(function_role)) =
        (pc.role(&super::iam::RoleId::BedrockInvoker), pc.role(&super::iam::RoleId::BedrockFunction))
    else {
        return;
    };
    let Some(function) = pc.inputs.iam.functions.iter().find(|f| f.id == b.function) else { return };
    // every listed workload that calls the function's Lambda endpoint is its
    // client, whichever its account: the invoker role's trust decides
    for w in pc.inputs.subjects.iter().filter(|w| w.listed && w.kind.is_none_or(|k| k != WorkloadKind::Client)) {
        if w.vpc().is_none() || !w.needs("lambda", &b.region) || w.vpc() == Some(b.vpc.as_str()) {
            continue;
        }
        let caller = pc.caller(&w.principal);
        let invoker_caller = ProofCtx::role_caller(invoker);
        let mut hops = vec![
            HopSpec {
                from: w.place.clone(),
                service: "sts",
                region: b.region.clone(),
                call: Call {
                    caller,
                    action: Action::Exact("sts:AssumeRole"),
                    resource: invoker.arn.clone(),
                    aliases: Vec::new(),
                    identity: Identity::NotLinkplans,
                    target: Target::Trust {
                        policy: &invoker.trust,
                        account: &invoker.account_id,
                        what: "role `bedrock/invoker`",
                    },
                },
            },
            HopSpec {
                from: w.place.clone(),
                service: "lambda",
                region: b.region.clone(),
                call: Call {
                    caller: invoker_caller,
                    action: Action::Exact("lambda:InvokeFunction"),
                    resource: function.arn.clone(),
                    aliases: Vec::new(),
                    identity: Identity::Policy("bedrock/invoker", &invoker.permissions),
                    target: Target::None,
                },
            },
        ];
        // a profile's routed foundation models are asked for by Bedrock as
        // it routes; each is a resource the role must allow
        for m in b.invocations.iter().flat_map(|i| i.resources.iter()) {
            hops.push(HopSpec {
                from: Place::Vpc { vpc: b.vpc.clone(), tier: Tier::Workload },
                service: "bedrock-runtime",
                region: b.region.clone(),
                call: Call {
                    caller: ProofCtx::role_caller(function_role),
                    action: Action::Exact("bedrock:InvokeModelWithResponseStream"),
                    resource: m.clone(),
                    aliases: Vec::new(),
                    identity: Identity::Policy("bedrock/function", &function_role.permissions),
                    target: Target::None,
                },
            });
        }
        let at = w.at.clone();
        record(proofs, out, &at, flow(pc, w, "flow:bedrock".into(), hops));
    }
}

/// The Studio flow of each LOB domain, for each of the portal's clients.
fn studio(pc: &ProofCtx<'_>, out: &mut Vec<Finding>, proofs: &mut Vec<Proof>) {
    let Some(studio) = pc.inputs.studio else { return };
    let Some(portal_role) = pc.role(&super::iam::RoleId::StudioPortal) else { return };
    let p = &studio.portal;
    let clients = portal_clients(pc, studio);
    for (i, d) in studio.domains.iter().enumerate() {
        let at = Pointer::root().key("studio").key("domains").index(i);
        let Some(url_role) = pc.role(&d.url_role) else { continue };
        let Some(user) = d.users.first() else { continue };
        let profile = format!(
            "arn:aws:sagemaker:{}:{}:user-profile/{}/{user}",
            d.region,
            d.account_id,
            Placeholder::DomainId(&d.lob)
        );
        let api =
            format!("arn:aws:execute-api:{}:{}:<portal-api>/{}/GET/studio/{user}", p.region, p.account_id, p.api_stage);
        for client in &clients {
            let portal_place = Place::Vpc { vpc: p.vpc.clone(), tier: Tier::Workload };
            let api_target = match &p.api_policy {
                Some(doc) => Target::Resource { policy: doc, account: &p.account_id, what: "the portal's private API" },
                None => Target::None,
            };
            let hops = vec![
                HopSpec {
                    from: client.place.clone(),
                    service: "execute-api",
                    region: p.region.clone(),
                    call: Call {
                        caller: Caller::Anonymous,
                        action: Action::Exact("execute-api:Invoke"),
                        resource: api.clone(),
                        aliases: vec![format!("execute-api:/{}/GET/studio/{user}", p.api_stage)],
                        identity: Identity::NotLinkplans,
                        target: api_target,
                    },
                },
                HopSpec {
                    from: portal_place.clone(),
                    service: "sts",
                    region: p.region.clone(),
                    call: Call {
                        caller: ProofCtx::role_caller(portal_role),
                        action: Action::Exact("sts:AssumeRole"),
                        resource: url_role.arn.clone(),
                        aliases: Vec::new(),
                        identity: Identity::Policy("studio/portal", &portal_role.permissions),
                        target: Target::Trust {
                            policy: &url_role.trust,
                            account: &url_role.account_id,
                            what: "the LOB's URL role",
                        },
                    },
                },
                HopSpec {
                    from: portal_place,
                    service: "sagemaker.api",
                    region: d.region.clone(),
                    call: Call {
                        caller: ProofCtx::role_caller(url_role),
                        action: Action::Exact("sagemaker:CreatePresignedDomainUrl"),
                        resource: profile.clone(),
                        aliases: Vec::new(),
                        identity: Identity::Policy("studio/url", &url_role.permissions),
                        target: Target::None,
                    },
                },
                // "IAM authorization policies for this API are also enforced
                // for every HTTP request and WebSocket frame that attempts to
                // connect to the app": the browser's requests through the
                // Studio endpoint are the URL role's CreatePresignedDomainUrl
                // (<https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePresignedDomainUrl.html>)
                HopSpec {
                    from: client.place.clone(),
                    service: "sagemaker.studio",
                    region: d.region.clone(),
                    call: Call {
                        caller: ProofCtx::role_caller(url_role),
                        action: Action::Exact("sagemaker:CreatePresignedDomainUrl"),
                        resource: profile.clone(),
                        aliases: Vec::new(),
                        identity: Identity::Policy("studio/url", &url_role.permissions),
                        target: Target::None,
                    },
                },
            ];
            let at = client.at.clone().unwrap_or_else(|| at.clone());
            record(proofs, out, &at, flow(pc, &client.subject, format!("flow:studio/{}", d.lob), hops));
        }
    }
}

/// A client of the portal: a `client` workload that needs its execute-api
/// endpoint (listed, or the default users `workloads::subjects` adds).
struct PortalClient {
    subject: Subject,
    place: Place,
    at: Option<Pointer>,
}

fn portal_clients(pc: &ProofCtx<'_>, studio: &super::studio::StudioPlan) -> Vec<PortalClient> {
    pc.inputs
        .subjects
        .iter()
        .filter(|s| s.kind == Some(WorkloadKind::Client) && s.needs("execute-api", &studio.portal.region))
        .map(|s| PortalClient { subject: s.clone(), place: s.place.clone(), at: Some(s.at.clone()) })
        .collect()
}

/// Each PrivateLink consumer's path to the producer: the consumer's
/// endpoint, the endpoint service's allowed principals and acceptance, the
/// NLB listener and its target port.
fn privatelink(pc: &ProofCtx<'_>, proofs: &mut Vec<Proof>) {
    for s in pc.inputs.privatelink {
        for c in &s.consumers {
            let root =
                format!("arn:aws:iam::{}:root", pc.cx.vpc(&c.vpc).map(|v| v.account_id.as_str()).unwrap_or_default());
            let admitted = s.allowed_principals.contains(&root);
            let mut proof = Proof {
                workload: format!("{}@{}", s.name, c.vpc),
                vpc: Some(c.vpc.clone()),
                need: format!("privatelink:{}", s.name),
                service: s.name.clone(),
                region: s.producer.region.clone(),
                principal: root.clone(),
                status: ProofStatus::Ok,
                ok: true,
                implied_by: None,
                path: Vec::new(),
                reason: None,
                hops: Vec::new(),
            };
            let port = s.producer.port;
            let sg_admits = c.security_group.ingress.iter().any(|i| i.port == port);
            let listener = s.producer.security_group.ingress.iter().any(|i| i.port == port);
            let steps = [
                (
                    !c.subnets.is_empty(),
                    LinkKind::Endpoint,
                    format!(
                        "interface endpoint `{}` in {}",
                        c.id,
                        c.subnets.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                    ),
                ),
                (
                    sg_admits,
                    LinkKind::SecurityGroup,
                    format!("the endpoint's security group admits the consumer's workloads on TCP {port}"),
                ),
                (
                    admitted,
                    LinkKind::ResourcePolicy,
                    format!(
                        "the endpoint service allows {root}{}",
                        if s.acceptance_required {
                            "; the producer accepts the connection (acceptance required)"
                        } else {
                            ""
                        }
                    ),
                ),
                (
                    listener,
                    LinkKind::SecurityGroup,
                    format!("the NLB's security group admits PrivateLink traffic on TCP {port}, to targets on {port}"),
                ),
            ];
            for (holds, link, detail) in steps {
                if holds {
                    proof.path.push(Step { link, detail });
                } else {
                    proof.status = ProofStatus::Refused;
                    proof.ok = false;
                    proof.reason = Some(Step { link, detail: format!("not so: {detail}") });
                    proof.path.clear();
                    break;
                }
            }
            proofs.push(proof);
        }
    }
}
