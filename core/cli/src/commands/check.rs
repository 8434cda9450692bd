//! `plan check`: the checks of `validate`, and with `--live` the topology
//! against the real accounts through the AWS API (the `live` feature).

use crate::args::Common;
use crate::error::{CliError, CliResult, Exit};
use crate::loaded::Loaded;
use crate::output::Output;

/// Check a topology; with `--live`, also against the real accounts
/// (existing VPCs, AZ IDs, endpoint services, duplicates) through the
/// AWS API.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  plan check --live topology.yaml\n  plan check --live topology.yaml --role-name NetworkAuditRole --account-profile ml=ml-admin\n  AWS_ENDPOINT_URL=http://127.0.0.1:5000 plan check --live topology.yaml   # a local endpoint\n\nCredentials: the standard chain for the caller (environment, AWS_PROFILE, SSO,\ninstance role); in each account of the topology the caller assumes\n`--role-name` (default OrganizationAccountAccessRole), except in its own account\nand where --account-role or --account-profile says otherwise.\nExit codes: 0 no error, 1 findings with errors, 2 usage error or a live call\nthat failed (no credentials, role refused, throttled, unreachable)."
)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Also read every account × region of the topology through the AWS API.
    #[arg(long)]
    pub live: bool,
    /// The role assumed in each account (a name, or a full ARN).
    #[arg(long, value_name = "ROLE", default_value = "OrganizationAccountAccessRole")]
    pub role_name: String,
    /// In account NAME (its name in the topology, or its ID), assume ROLE
    /// instead (a name, or a full ARN). Repeatable.
    #[arg(long, value_name = "NAME=ROLE", value_parser = key_value)]
    pub account_role: Vec<(String, String)>,
    /// In account NAME, use the named profile's credentials as they are.
    /// Repeatable.
    #[arg(long, value_name = "NAME=PROFILE", value_parser = key_value)]
    pub account_profile: Vec<(String, String)>,
    /// How many account × region checks run at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// The time limit of one API call, retries included, in seconds.
    #[arg(long, value_name = "S", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout_secs: u64,
    /// Attempts per API call (throttling and transient errors are retried
    /// with backoff).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
}

fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    let c = &args.common;
    let loaded = Loaded::read(&c.file, c.lock.as_deref())?;
    let mut outcome = loaded.run();
    if args.live {
        let Some(plan) = &outcome.plan else {
            out.report(&loaded, &outcome, c)?;
            out.note("the live check did not run: fix the errors above first");
            return Ok(Exit::Findings);
        };
        let live = live_check(&loaded, plan, args)?;
        outcome.diagnostics.extend(live);
        // the core's order: the topology first, then by line and column
        outcome.diagnostics.sort_by(|a, b| {
            (a.file != loaded.file, a.line, a.column, &a.code, &a.message).cmp(&(
                b.file != loaded.file,
                b.line,
                b.column,
                &b.code,
                &b.message,
            ))
        });
    }
    out.report(&loaded, &outcome, c)?;
    Ok(Exit::of(&outcome))
}

#[cfg(feature = "live")]
fn live_check(
    loaded: &Loaded,
    plan: &linkplan_core::Plan,
    args: &Args,
) -> Result<Vec<linkplan_core::Diagnostic>, CliError> {
    let options = linkplan_live::Options {
        role_name: args.role_name.clone(),
        account_roles: args.account_role.iter().cloned().collect(),
        account_profiles: args.account_profile.iter().cloned().collect(),
        concurrency: usize::from(args.concurrency),
        timeout: std::time::Duration::from_secs(args.timeout_secs),
        max_attempts: args.max_attempts,
        ..linkplan_live::Options::default()
    };
    linkplan_live::check(linkplan_core::Text { file: &loaded.file, text: &loaded.text }, plan, &options)
        .map_err(|e| CliError::usage(format!("live check: {e}")))
}

#[cfg(not(feature = "live"))]
fn live_check(_: &Loaded, _: &linkplan_core::Plan, _: &Args) -> Result<Vec<linkplan_core::Diagnostic>, CliError> {
    Err(CliError::usage("this `plan` was built without the `live` feature; `--live` is not available"))
}

#[cfg(test)]
mod tests {
    use super::key_value;

    #[test]
    fn key_values_need_both_sides() {
        assert_eq!(key_value("ml=admin"), Ok(("ml".to_owned(), "admin".to_owned())));
        assert_eq!(key_value("a=b=c"), Ok(("a".to_owned(), "b=c".to_owned())));
        for bad in ["ml", "=admin", "ml="] {
            assert!(key_value(bad).is_err(), "{bad}");
        }
    }
}
