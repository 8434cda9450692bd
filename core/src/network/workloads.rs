//! The workloads the proof follows: those the topology lists, and those the
//! constructs build without being listed again (each Studio domain's apps,
//! the Bedrock streaming function, the Studio portal's function). Each has
//! a place (a VPC and a tier of it, or on premises), a principal, and its
//! needs: those written and those its kind implies, as AWS documents them.

use super::iam::RoleId;
use crate::source::Pointer;
use crate::spec::{Tier, Topology, WorkloadKind};
use schemars::JsonSchema;
use serde::Serialize;

/// A workload the topology lists in one of its VPCs, as the plan tells the
/// constructs: an app builds what runs there from this (the examples build
/// the seed's notebook and function for `notebook` and `lambda` workloads),
/// and never from VPC names of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadPlan {
    pub name: String,
    pub vpc: String,
    /// The tier of the VPC it runs in.
    pub tier: Tier,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<WorkloadKind>,
    /// Its needs: as written (`sts@us-east-1`), then those its kind implies.
    pub needs: Vec<String>,
}

/// The listed workloads that run in a VPC, in the topology's order.
pub fn plans(subjects: &[Subject]) -> Vec<WorkloadPlan> {
    subjects
        .iter()
        .filter(|s| s.listed)
        .filter_map(|s| match &s.place {
            Place::Vpc { vpc, tier } => Some(WorkloadPlan {
                name: s.name.clone(),
                vpc: vpc.clone(),
                tier: tier.clone(),
                kind: s.kind,
                needs: s.needs.iter().map(|n| format!("{}@{}", n.service, n.region)).collect(),
            }),
            Place::OnPremises => None,
        })
        .collect()
}

/// Who a workload's requests come from, as far as the plan knows before the
/// IAM plan names the roles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalRef {
    /// A role the plan creates.
    Planned(RoleId),
    /// A role of the account (the topology's name) that Linkplan does not
    /// write: generic compute, a notebook or function of the user's own.
    AccountRole(String),
    /// No AWS credentials (a `client`).
    Anonymous,
}

/// Where a workload runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Vpc { vpc: String, tier: Tier },
    OnPremises,
}

/// One need: the service, its region, the entry as written, where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    /// As written (`sts@us-east-1`), or `sagemaker.runtime` for an implied one.
    pub written: String,
    pub service: String,
    pub region: String,
    /// The `needs` entry, or the section whose kind implies it.
    pub at: Pointer,
    /// Why it is needed when not written: the AWS page saying so.
    pub implied_by: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub name: String,
    pub kind: Option<WorkloadKind>,
    pub place: Place,
    pub principal: PrincipalRef,
    pub needs: Vec<Need>,
    /// The workload's entry or the section that makes it.
    pub at: Pointer,
    /// Listed under `workloads`, not built by a construct.
    pub listed: bool,
}

impl Subject {
    pub fn vpc(&self) -> Option<&str> {
        match &self.place {
            Place::Vpc { vpc, .. } => Some(vpc),
            Place::OnPremises => None,
        }
    }

    pub fn tier(&self) -> Option<&Tier> {
        match &self.place {
            Place::Vpc { tier, .. } => Some(tier),
            Place::OnPremises => None,
        }
    }

    /// Whether it needs `service` in `region`.
    pub fn needs(&self, service: &str, region: &str) -> bool {
        self.needs.iter().any(|n| n.service == service && n.region == region)
    }
}

/// SageMaker Studio in `VpcOnly` mode: "you won't be able to run a Studio
/// notebook unless your VPC has an interface endpoint to the SageMaker API
/// and runtime, or a NAT gateway"; its apps also call STS, read and write
/// the domain's S3 location and write CloudWatch Logs
/// (<https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html>).
/// ECR is needed only for custom images, which the topology cannot say yet.
const STUDIO_PAGE: &str = "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html";
const STUDIO_NEEDS: &[&str] = &["sagemaker.api", "sagemaker.runtime", "sts", "s3", "logs"];

/// A notebook instance with direct internet access `Disabled` "is not able
/// to connect to SageMaker AI training and endpoint services unless you
/// configure a NAT Gateway in your VPC" (`DirectInternetAccess`,
/// <https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstance.html>):
/// without NAT, the SageMaker API (training) and runtime (endpoints) endpoints.
const NOTEBOOK_PAGE: &str = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstance.html";
const NOTEBOOK_NEEDS: &[&str] = &["sagemaker.api", "sagemaker.runtime"];

/// The needs a kind implies, with the page that says so. A Lambda function
/// implies none: Lambda delivers its logs itself, not through the VPC
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html>);
/// instances and clients need what they are written to.
pub fn implied(kind: WorkloadKind) -> (&'static [&'static str], &'static str) {
    match kind {
        WorkloadKind::Studio => (STUDIO_NEEDS, STUDIO_PAGE),
        WorkloadKind::Notebook => (NOTEBOOK_NEEDS, NOTEBOOK_PAGE),
        WorkloadKind::Lambda | WorkloadKind::Instance | WorkloadKind::Client => (&[], ""),
    }
}

/// Every workload of the topology, listed and built, in a stable order:
/// the listed ones as listed, then the built ones.
/// `region_of` gives a VPC's region; `has_tier` whether it has subnets of a tier.
pub fn subjects(
    topo: &Topology,
    region_of: impl Fn(&str) -> Option<String>,
    has_tier: impl Fn(&str, &Tier) -> bool,
) -> Vec<Subject> {
    let mut out = Vec::new();
    let root = Pointer::root();
    for (i, w) in topo.workloads.iter().enumerate() {
        let at = root.key("workloads").index(i);
        let (place, home) = match (&w.vpc, w.on_premises) {
            (_, true) => (Place::OnPremises, None),
            (Some(v), false) => {
                let Some(region) = region_of(v) else { continue };
                (Place::Vpc { vpc: v.clone(), tier: w.tier.clone().unwrap_or(Tier::Workload) }, Some(region))
            }
            (None, false) => continue,
        };
        let principal = match (w.kind, &w.vpc) {
            (Some(WorkloadKind::Client), _) | (_, None) => PrincipalRef::Anonymous,
            (_, Some(v)) => match topo.vpcs.get(v) {
                Some(vpc) => PrincipalRef::AccountRole(vpc.account.clone()),
                None => continue,
            },
        };
        let mut needs: Vec<Need> = w
            .needs
            .iter()
            .enumerate()
            .filter_map(|(j, n)| {
                let (service, region) = match n.split_once('@') {
                    Some((s, r)) => (s.to_owned(), r.to_owned()),
                    None => (n.clone(), home.clone()?),
                };
                Some(Need { written: n.clone(), service, region, at: at.key("needs").index(j), implied_by: None })
            })
            .collect();
        if let (Some(kind), Some(region)) = (w.kind, &home) {
            add_implied(&mut needs, kind, region, &at.key("kind"));
        }
        out.push(Subject { name: w.name.clone(), kind: w.kind, place, principal, needs, at, listed: true });
    }
    if let Some(s) = &topo.studio {
        portal_users(topo, s, &region_of, &has_tier, &mut out);
        for (i, d) in s.domains.iter().enumerate() {
            let Some(region) = region_of(&d.vpc) else { continue };
            let at = root.key("studio").key("domains").index(i);
            let mut needs = Vec::new();
            add_implied(&mut needs, WorkloadKind::Studio, &region, &at);
            out.push(Subject {
                name: format!("studio/{}", d.lob),
                kind: Some(WorkloadKind::Studio),
                place: Place::Vpc { vpc: d.vpc.clone(), tier: Tier::Workload },
                principal: PrincipalRef::Planned(RoleId::StudioExecution(d.lob.clone())),
                needs,
                at,
                listed: false,
            });
        }
        if let Some(region) = region_of(&s.portal.vpc) {
            let at = root.key("studio").key("portal");
            // the portal function assumes each LOB's URL role (STS) and
            // presigns through the SageMaker API endpoint of the domains' region
            let mut regions: Vec<String> = s.domains.iter().filter_map(|d| region_of(&d.vpc)).collect();
            regions.push(region.clone());
            regions.sort();
            regions.dedup();
            let mut needs = vec![built_need("sts", &region, &at)];
            needs.extend(regions.iter().map(|r| built_need("sagemaker.api", r, &at)));
            out.push(Subject {
                name: "studio/portal".into(),
                kind: Some(WorkloadKind::Lambda),
                place: Place::Vpc { vpc: s.portal.vpc.clone(), tier: Tier::Workload },
                principal: PrincipalRef::Planned(RoleId::StudioPortal),
                needs,
                at,
                listed: false,
            });
        }
    }
    if let Some(b) = &topo.bedrock
        && let Some(region) = region_of(&b.vpc)
    {
        let at = root.key("bedrock");
        out.push(Subject {
            name: super::iam::BEDROCK_FUNCTION.into(),
            kind: Some(WorkloadKind::Lambda),
            place: Place::Vpc { vpc: b.vpc.clone(), tier: Tier::Workload },
            principal: PrincipalRef::Planned(RoleId::BedrockFunction),
            needs: vec![built_need("bedrock-runtime", &region, &at)],
            at,
            listed: false,
        });
    }
    out
}

/// The Studio portal's users, when no `client` workload says where they
/// are: a browser in each VPC the execute-api endpoint of the portal's VPC
/// serves (its own and those it is shared with) that has a `workload` tier
/// (a hub that holds endpoints only has no users).
fn portal_users(
    topo: &Topology,
    s: &crate::spec::Studio,
    region_of: &impl Fn(&str) -> Option<String>,
    has_tier: &impl Fn(&str, &Tier) -> bool,
    out: &mut Vec<Subject>,
) {
    let Some(region) = region_of(&s.portal.vpc) else { return };
    if out.iter().any(|w| w.kind == Some(WorkloadKind::Client) && w.needs("execute-api", &region)) {
        return;
    }
    let Some(group) = topo.endpoints.iter().find(|g| {
        g.services.iter().any(|x| x == "execute-api")
            && region_of(&g.vpc).as_deref() == Some(region.as_str())
            && (g.vpc == s.portal.vpc || g.share.contains(&s.portal.vpc))
    }) else {
        return;
    };
    let at = Pointer::root().key("studio").key("portal");
    for v in std::iter::once(&group.vpc).chain(&group.share) {
        if !topo.vpcs.contains_key(v) || !has_tier(v, &Tier::Workload) {
            continue;
        }
        let mut needs = vec![built_need("execute-api", &region, &at)];
        for d in &s.domains {
            if let Some(r) = region_of(&d.vpc)
                && !needs.iter().any(|n| n.service == "sagemaker.studio" && n.region == r)
            {
                needs.push(built_need("sagemaker.studio", &r, &at));
            }
        }
        for n in &mut needs {
            n.implied_by = Some("a Studio portal user's browser (no `kind: client` workload says where users are)");
        }
        out.push(Subject {
            name: format!("studio-user@{v}"),
            kind: Some(WorkloadKind::Client),
            place: Place::Vpc { vpc: v.clone(), tier: Tier::Workload },
            principal: PrincipalRef::Anonymous,
            needs,
            at: at.clone(),
            listed: false,
        });
    }
}

/// A need of a workload the constructs build: what its code calls.
fn built_need(service: &str, region: &str, at: &Pointer) -> Need {
    Need {
        written: format!("{service}@{region}"),
        service: service.to_owned(),
        region: region.to_owned(),
        at: at.clone(),
        implied_by: Some("what the construct's code calls"),
    }
}

fn add_implied(needs: &mut Vec<Need>, kind: WorkloadKind, region: &str, at: &Pointer) {
    let (services, page) = implied(kind);
    for s in services {
        if !needs.iter().any(|n| n.service == *s && n.region == region) {
            needs.push(Need {
                written: (*s).to_owned(),
                service: (*s).to_owned(),
                region: region.to_owned(),
                at: at.clone(),
                implied_by: Some(page),
            });
        }
    }
}
