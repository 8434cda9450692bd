//! Where each part of the plan is built: one CloudFormation stack per
//! account × region × role, named `<topology>-<account>-<region>-<role>`.
//! The CDK library creates exactly these stacks and builds each VPC,
//! transit gateway, zone, Profile and rule in the stack the plan names.

use super::dns::DnsPlan;
use super::routing::RoutingPlan;
use crate::names::{self, IAM_ROLE, STACK};
use crate::plan::VpcPlan;
use crate::policy::{PolicyDocument, Principal, Statement};
use crate::spec::Topology;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a stack holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StackRole {
    /// The account's transit gateways, hub VPCs, shared endpoints and DNS.
    Network,
    /// The Bedrock ML VPC, its function and roles.
    Ml,
    /// Application VPCs.
    #[default]
    Spoke,
    /// Transit gateway route tables, peering, cross-stack zone associations.
    Links,
}

impl StackRole {
    pub fn as_str(self) -> &'static str {
        match self {
            StackRole::Network => "network",
            StackRole::Ml => "ml",
            StackRole::Spoke => "spoke",
            StackRole::Links => "links",
        }
    }
}

/// What a VPC is for, besides running workloads; a VPC can be several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum VpcRole {
    /// Serves its endpoints (and their names) to other VPCs.
    Hub,
    /// The Bedrock ML VPC (`bedrock.vpc`).
    Bedrock,
    /// The Studio access portal's VPC.
    StudioPortal,
    /// A line of business's Studio domain.
    StudioDomain,
    /// Produces a PrivateLink service of the topology's own.
    PrivatelinkProducer,
    /// Consumes a PrivateLink service of the topology's own.
    PrivatelinkConsumer,
    /// Attached to the transit (gateway or peering).
    Attached,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StackPlan {
    /// The stack's name, also its construct ID in the CDK app.
    pub name: String,
    /// The account's name in the topology.
    pub account: String,
    pub account_id: String,
    pub region: String,
    pub role: StackRole,
    /// The VPCs this stack builds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vpcs: Vec<String>,
    /// The SSM parameter path this stack publishes its values under.
    pub parameter_prefix: String,
    /// The role stacks of other accounts assume to read what this stack
    /// publishes (deterministic, so readers name it before it exists).
    pub reader_role: StackRolePlan,
    /// The role the zone owners assume here to associate this stack's VPCs
    /// with their zones (`association` mode across accounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_associator_role: Option<StackRolePlan>,
    /// The CloudFormation resources the CDK library builds in this stack
    /// (`network::resources`), the client workloads an app may add apart;
    /// past `quotas.resourcesPerStack`, LP073.
    pub resources: u32,
}

/// A role a stack creates for other accounts' stacks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StackRolePlan {
    pub name: String,
    pub arn: String,
    pub trust: PolicyDocument,
    pub permissions: PolicyDocument,
}

/// The name of the stack of `role` in `account` and `region`.
pub fn stack_name(topo: &Topology, account: &str, region: &str, role: StackRole) -> String {
    STACK.name(&[&topo.name, account, region, role.as_str()])
}

/// A VPC's roles and the role of the stack it is built in (the Bedrock ML
/// VPC in `ml`, hubs in `network`, every other VPC in `spoke`), looked up in
/// what is indexed once: a topology of 10,000 VPCs
/// asked each VPC's roles by scanning `transit.attach` and the PrivateLink
/// consumers, quadratic in the VPCs.
pub struct RoleIndex<'a> {
    topo: &'a Topology,
    hubs: &'a BTreeSet<&'a str>,
    attached: BTreeSet<&'a str>,
    domains: BTreeSet<&'a str>,
    producers: BTreeSet<&'a str>,
    consumers: BTreeSet<&'a str>,
}

impl<'a> RoleIndex<'a> {
    pub fn new(topo: &'a Topology, hubs: &'a BTreeSet<&'a str>) -> Self {
        Self {
            topo,
            hubs,
            attached: topo.transit.iter().flat_map(|t| t.attach.iter().map(String::as_str)).collect(),
            domains: topo.studio.iter().flat_map(|s| s.domains.iter().map(|d| d.vpc.as_str())).collect(),
            producers: topo.privatelink.iter().map(|p| p.producer.vpc.as_str()).collect(),
            consumers: topo.privatelink.iter().flat_map(|p| p.consumers.iter().map(String::as_str)).collect(),
        }
    }

    /// A VPC's roles, and the role of the stack it goes in.
    pub fn vpc_roles(&self, name: &str) -> (Vec<VpcRole>, StackRole) {
        let mut roles = BTreeSet::new();
        if self.hubs.contains(name) {
            roles.insert(VpcRole::Hub);
        }
        let bedrock = self.topo.bedrock.as_ref().is_some_and(|b| b.vpc == name);
        if bedrock {
            roles.insert(VpcRole::Bedrock);
        }
        if self.topo.studio.as_ref().is_some_and(|s| s.portal.vpc == name) {
            roles.insert(VpcRole::StudioPortal);
        }
        for (set, role) in [
            (&self.domains, VpcRole::StudioDomain),
            (&self.producers, VpcRole::PrivatelinkProducer),
            (&self.consumers, VpcRole::PrivatelinkConsumer),
            (&self.attached, VpcRole::Attached),
        ] {
            if set.contains(name) {
                roles.insert(role);
            }
        }
        let stack = if bedrock {
            StackRole::Ml
        } else if roles.contains(&VpcRole::Hub) {
            StackRole::Network
        } else {
            StackRole::Spoke
        };
        (roles.into_iter().collect(), stack)
    }
}

/// Every stack the plan needs, sorted by name: the VPCs' stacks, a
/// `network` and a `links` stack per transit gateway, the `network` stacks
/// of zones, Profiles and rules, and a `links` stack where a zone is
/// associated with VPCs of other stacks.
pub fn plan(topo: &Topology, vpcs: &BTreeMap<String, VpcPlan>, routing: &RoutingPlan, dns: &DnsPlan) -> Vec<StackPlan> {
    let mut stacks: BTreeMap<String, StackPlan> = BTreeMap::new();
    let mut add = |account: &str, region: &str, role: StackRole| -> String {
        let name = stack_name(topo, account, region, role);
        stacks.entry(name.clone()).or_insert_with(|| {
            let account_id = topo.accounts.get(account).map(|a| a.id.clone()).unwrap_or_default();
            StackPlan {
                name: name.clone(),
                reader_role: reader_role(topo, &account_id, region, role),
                parameter_prefix: names::parameter_prefix(&topo.name),
                account: account.to_owned(),
                account_id,
                region: region.to_owned(),
                role,
                vpcs: Vec::new(),
                zone_associator_role: None,
                resources: 0,
            }
        });
        name
    };
    let mut vpc_stack: BTreeMap<&str, String> = BTreeMap::new();
    for (name, v) in vpcs {
        vpc_stack.insert(name, add(&v.account, &v.region, v.stack_role));
    }
    for t in &routing.transit_gateways {
        add(&t.account, &t.region, StackRole::Network);
        add(&t.account, &t.region, StackRole::Links);
    }
    // the accepter's routes over a VPC peering wait for the connection
    for p in &routing.vpc_peerings {
        if let Some(v) = vpcs.get(&p.accepter) {
            add(&v.account, &v.region, StackRole::Links);
        }
    }
    for p in &dns.profiles {
        add(&p.account, &p.region, StackRole::Network);
    }
    for r in &dns.resolver_rules {
        add(&r.account, &r.region, StackRole::Network);
    }
    // stack → the accounts whose zones authorize its VPCs
    let mut associators: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for z in &dns.hosted_zones {
        let home = add(&z.account, &z.region, StackRole::Network);
        if z.associations.iter().any(|v| vpc_stack.get(v.as_str()).is_some_and(|s| *s != home)) {
            add(&z.account, &z.region, StackRole::Links);
        }
        let owner = topo.accounts.get(&z.account).map(|a| a.id.clone()).unwrap_or_default();
        for a in &z.authorizations {
            if let Some(stack) = vpc_stack.get(a.vpc.as_str()) {
                associators.entry(stack.clone()).or_default().insert(owner.clone());
            }
        }
    }
    for (vpc, stack) in &vpc_stack {
        if let Some(s) = stacks.get_mut(stack) {
            s.vpcs.push((*vpc).to_owned());
        }
    }
    for (name, owners) in associators {
        if let Some(s) = stacks.get_mut(&name) {
            s.zone_associator_role = Some(zone_associator_role(topo, s, &owners));
        }
    }
    stacks.into_values().collect()
}

fn role_arn(account_id: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:role/{name}")
}

/// The organization condition, when the topology names one.
fn in_organization(topo: &Topology, st: Statement) -> Statement {
    match &topo.organization {
        Some(org) => st.when("StringEquals", "aws:PrincipalOrgID", vec![org.id.clone()]),
        None => st,
    }
}

/// The reader role: only the topology's accounts (in its organization, when
/// it names one) may assume it, to read only this topology's parameters in
/// this account and region.
fn reader_role(topo: &Topology, account_id: &str, region: &str, role: StackRole) -> StackRolePlan {
    let name = IAM_ROLE.name(&[&topo.name, role.as_str(), region, "reader"]);
    let accounts: BTreeSet<String> = topo.accounts.values().map(|a| format!("arn:aws:iam::{}:root", a.id)).collect();
    let parameters = format!("arn:aws:ssm:{region}:{account_id}:parameter{}*", names::parameter_prefix(&topo.name));
    StackRolePlan {
        arn: role_arn(account_id, &name),
        name,
        trust: PolicyDocument::new(vec![in_organization(
            topo,
            Statement::assume_role(Principal::aws(accounts.into_iter().collect())),
        )]),
        permissions: PolicyDocument::new(vec![Statement::allow(
            "ReadThisTopologysValues",
            &["ssm:GetParameters"],
            vec![parameters],
        )]),
    }
}

/// The zone associator role: only the accounts owning zones that authorize
/// this stack's VPCs may assume it, to associate VPCs with zones. Route 53
/// checks the VPC with `ec2:DescribeVpcs`, which has no resource-level
/// permissions; the zones' IDs are known only once their stacks deploy.
fn zone_associator_role(topo: &Topology, s: &StackPlan, owners: &BTreeSet<String>) -> StackRolePlan {
    let name = IAM_ROLE.name(&[&topo.name, "zone-assoc", s.role.as_str(), &s.region]);
    let owners: Vec<String> = owners.iter().map(|o| format!("arn:aws:iam::{o}:root")).collect();
    StackRolePlan {
        arn: role_arn(&s.account_id, &name),
        name,
        trust: PolicyDocument::new(vec![Statement::assume_role(Principal::aws(owners))]),
        permissions: PolicyDocument::new(vec![
            Statement::allow(
                "AssociateThisStacksVpcs",
                &["route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone"],
                vec!["arn:aws:route53:::hostedzone/*".into()],
            ),
            Statement::allow("Route53ChecksTheVpc", &["ec2:DescribeVpcs"], vec!["*".into()]),
        ]),
    }
}

/// The SSM parameter a value of the plan is published under.
pub fn parameter(topo: &Topology, key: &[&str]) -> String {
    names::parameter(&topo.name, key)
}
