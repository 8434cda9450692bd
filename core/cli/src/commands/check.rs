//! `plan check`: the checks of `validate`, and with `--live` the topology
//! against the real accounts through the AWS API (the `live` feature).

use crate::args::{Common, LiveArgs};
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
    #[command(flatten)]
    pub access: LiveArgs,
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
    let text = linkplan_core::Text { file: &loaded.file, text: &loaded.text };
    linkplan_live::check(text, plan, &args.access.options()).map_err(|e| CliError::usage(format!("live check: {e}")))
}

#[cfg(not(feature = "live"))]
fn live_check(_: &Loaded, _: &linkplan_core::Plan, _: &Args) -> Result<Vec<linkplan_core::Diagnostic>, CliError> {
    Err(LiveArgs::unavailable())
}
