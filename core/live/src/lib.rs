//! Live checks: the planned topology against what already runs in its
//! accounts, read through the AWS API (`plan check --live`).
//!
//! For each account × region of the plan, with bounded parallelism, a
//! timeout per call and retries, this reads the account's AZ IDs, its VPCs
//! (with every associated CIDR block), the endpoint services the region
//! offers, and its transit gateways and VPC endpoints. [`compare`] turns
//! what was read into core [`Finding`]s at the topology paths they concern:
//!
//! - an existing VPC that overlaps a planned one → LP022 (an existing VPC
//!   the topology does not manage is treated like a reserved range; the
//!   planned VPC itself, once deployed, is recognised by its `Name` tag and
//!   CIDR and not reported; a default VPC only when it overlaps);
//! - a planned AZ ID the account/region does not have, or a region not
//!   enabled → LP013;
//! - a planned endpoint service not offered in the region, or not in one of
//!   the VPC's AZs → LP030;
//! - an existing transit gateway or VPC endpoint the plan would create
//!   again → LP060 (warning).
//!
//! `plan catalog refresh --live` reads only the AZs and the endpoint
//! services, and [`catalog_diff`] compares them with the built-in catalog.
//!
//! A call that fails (no credentials, a role that cannot be assumed,
//! throttling after the retries, an unreachable endpoint) is a
//! [`LiveError`], never a finding: nothing is concluded from what could not
//! be read.

pub mod catalog_diff;
pub mod compare;
mod observe;
mod targets;

pub use catalog_diff::RegionReport;
pub use compare::{Existing, ExistingEndpoint, ExistingVpc, Observed, Offer, Zone};
pub use targets::Target;

use linkplan_core::diagnostic::Finding;
use linkplan_core::spec::Topology;
use linkplan_core::{Diagnostic, Plan, Text};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// The role assumed in each account when nothing else is said.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// How to reach the accounts and how hard to try.
#[derive(Clone, Debug)]
pub struct Options {
    /// The role assumed in every account (a name, or a full ARN).
    pub role_name: String,
    /// Per account (its name in the topology, or its ID): the role to assume
    /// there instead (a name, or a full ARN).
    pub account_roles: BTreeMap<String, String>,
    /// Per account (name or ID): a named profile whose credentials are used
    /// there as they are (no role is assumed).
    pub account_profiles: BTreeMap<String, String>,
    /// How many account × region checks run at once.
    pub concurrency: usize,
    /// The time limit of one API call, retries included.
    pub timeout: Duration,
    /// Attempts per call (1 = no retry); throttling and transient errors are
    /// retried with exponential backoff.
    pub max_attempts: u32,
    /// The region of the caller's calls (STS); `None`: the standard chain,
    /// else the topology's first region.
    pub region: Option<String>,
    /// An endpoint for every service; `None`: `AWS_ENDPOINT_URL` and its
    /// per-service variants (`AWS_ENDPOINT_URL_EC2`, `AWS_ENDPOINT_URL_STS`).
    pub endpoint_url: Option<String>,
    /// The caller's access key and secret; `None`: the standard chain.
    pub caller_keys: Option<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            role_name: DEFAULT_ROLE_NAME.to_owned(),
            account_roles: BTreeMap::new(),
            account_profiles: BTreeMap::new(),
            concurrency: 8,
            timeout: Duration::from_secs(30),
            max_attempts: 4,
            region: None,
            endpoint_url: None,
            caller_keys: None,
        }
    }
}

/// What kind of failure stopped the live check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An option names an account the topology does not have.
    Usage,
    /// The caller has no credentials (or they do not work).
    NoCredentials,
    /// A role could not be assumed in an account (or a profile gave none).
    RoleRefused,
    /// The API kept throttling after every retry.
    Throttled,
    /// The endpoint could not be reached, or did not answer in time.
    Unreachable,
    /// The caller may not make a call there.
    Denied,
    /// Any other failed call.
    Failed,
}

/// A live check that could not be completed: one line naming the account
/// and region concerned. `plan` exits 2 with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveError {
    pub kind: ErrorKind,
    pub message: String,
}

impl LiveError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LiveError {}

/// Reads every account × region of `plan` and returns the live findings,
/// placed in `topology` like the core's own diagnostics.
pub fn check(topology: Text<'_>, plan: &Plan, options: &Options) -> Result<Vec<Diagnostic>, LiveError> {
    let findings = check_findings(topology.text, plan, options)?;
    Ok(linkplan_core::place_findings(topology, findings))
}

/// As [`check`], the findings before they are placed.
pub fn check_findings(topology_text: &str, plan: &Plan, options: &Options) -> Result<Vec<Finding>, LiveError> {
    let topo = linkplan_core::read_topology(topology_text).ok_or_else(|| {
        LiveError::new(ErrorKind::Usage, "the topology does not read without errors; run `plan validate` first")
    })?;
    let observed = read(plan, options, observe::Scope::Check)?;
    Ok(compare::findings(&topo, plan, &observed))
}

/// Reads the AZs and endpoint services of every account × region of
/// `plan` and compares them with the built-in catalog
/// (`plan catalog refresh --live`).
pub fn catalog_reports(plan: &Plan, options: &Options) -> Result<Vec<RegionReport>, LiveError> {
    let observed = read(plan, options, observe::Scope::Services)?;
    Ok(catalog_diff::reports(plan, &observed))
}

/// Every account × region of `plan`, read as `scope` says.
fn read(plan: &Plan, options: &Options, scope: observe::Scope) -> Result<Vec<(Target, Observed)>, LiveError> {
    for name in options.account_roles.keys().chain(options.account_profiles.keys()) {
        if !plan.accounts.contains_key(name) && !plan.accounts.values().any(|id| id == name) {
            let known: Vec<&str> = plan.accounts.keys().map(String::as_str).collect();
            return Err(LiveError::new(
                ErrorKind::Usage,
                format!("no account `{name}` in the topology (its accounts are {})", known.join(", ")),
            ));
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.concurrency.clamp(1, 4))
        .enable_all()
        .build()
        .map_err(|e| LiveError::new(ErrorKind::Failed, format!("cannot start the async runtime: {e}")))?;
    let targets = targets::of(plan);
    runtime.block_on(observe::all(plan, &targets, options, scope))
}

/// The findings of what was observed, for callers that read the accounts
/// themselves (and for tests).
pub fn findings_of(topo: &Topology, plan: &Plan, observed: &[(Target, Observed)]) -> Vec<Finding> {
    compare::findings(topo, plan, observed)
}
