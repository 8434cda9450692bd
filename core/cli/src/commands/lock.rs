//! `plan lock`: writes the lock file, or with `--check` says whether it is
//! current; `--release` frees named VPCs' entries on purpose.

use crate::args::Common;
use crate::error::{CliError, CliResult, Exit};
use crate::loaded::Loaded;
use crate::lockfile;
use crate::output::Output;
use linkplan_core::{Lock, Outcome};

/// Write the lock file recording every allocation, so it never moves.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  plan lock examples/bedrock-privatelink/topology.yaml\n  plan lock topology.yaml --check            # in CI: fail when the lock is missing or out of date\n  plan lock topology.yaml --release app-use1  # free one VPC's entry, to move or forget it"
)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Drop entries of VPCs and subnets that left the topology (their
    /// ranges become free for new allocations).
    #[arg(long)]
    pub prune: bool,
    /// Drop the lock entry of this VPC (repeatable): a VPC still in the
    /// topology is planned anew (to move it to other AZs, a size, account
    /// or region), a removed one is forgotten and its range freed.
    #[arg(long, value_name = "VPC")]
    pub release: Vec<String>,
    /// Write nothing; exit 1 when the lock is missing or out of date.
    #[arg(long)]
    pub check: bool,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    let c = &args.common;
    let loaded = Loaded::read_to_lock(&c.file, c.lock.as_deref())?;
    let mut outcome = loaded.run_releasing(&args.release);
    let path = &loaded.lock_path;
    if loaded.lock.is_some() && outcome.lock_is_usable() && !outcome.not_in_lock().is_empty() {
        return Err(CliError::usage(format!(
            "{} holds no VPC {}; it holds {}",
            path.display(),
            quoted(outcome.not_in_lock()),
            listed(&held_before_release(&outcome))
        )));
    }
    if loaded.lock.is_none() && !args.release.is_empty() {
        return Err(CliError::usage(format!("there is no lock to release from: {} does not exist", path.display())));
    }
    let new_lock = outcome.lock_update(args.prune);
    let lock_flag = c.lock.as_ref().map(|l| format!(" --lock {}", l.display())).unwrap_or_default();
    let command = format!("plan lock {}{lock_flag}", loaded.file);
    let run = match (&new_lock, args.check) {
        (None, _) => Run::Refused,
        (Some(_), true) => Run::Checks,
        (Some(_), false) => Run::Writes,
    };
    fit_hints(&mut outcome, run, &command);
    out.diagnostics(&loaded, &outcome, c);
    let Some(new_lock) = new_lock else {
        out.note("the lock was not written: fix the errors above first");
        return Ok(Exit::Findings);
    };
    let rendered = new_lock.render();
    let counted = counted(&new_lock, &outcome);
    if loaded.lock.as_ref().is_some_and(|(_, old)| *old == rendered) {
        out.note(&format!("{} is up to date ({counted})", path.display()));
        return Ok(Exit::Ok);
    }
    if args.check {
        let what = if loaded.lock.is_some() { "out of date" } else { "missing" };
        out.note(&format!("{} is {what}: run `{command}` and commit it", path.display()));
        return Ok(Exit::Findings);
    }
    lockfile::write_atomic(path, &rendered)
        .map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display())))?;
    for (name, freed) in outcome.released() {
        let now = match outcome.plan.as_ref().and_then(|p| p.vpcs.get(name)) {
            Some(v) => format!("; it is planned anew at {}", v.cidr),
            None => String::new(),
        };
        out.note(&format!("released `{name}`: freed {}{now}", freed.describe()));
    }
    out.note(&format!("wrote {} ({counted})", path.display()));
    Ok(Exit::Ok)
}

/// What this `plan lock` does with the lock.
#[derive(Clone, Copy)]
enum Run {
    /// Writes it (or finds it up to date).
    Writes,
    /// `--check`: writes nothing.
    Checks,
    /// Errors: writes nothing.
    Refused,
}

/// LP027 tells the user to run `plan lock`; in `plan lock` itself it says
/// what this run does about the VPC instead.
fn fit_hints(outcome: &mut Outcome, run: Run, command: &str) {
    let hint = match run {
        Run::Writes => "this run records it in the lock: commit the lock file with the topology".to_owned(),
        Run::Checks => format!("`{command}` (without `--check`) records it; commit the lock file then"),
        Run::Refused => format!("`{command}` records it once the errors are fixed; commit the lock file then"),
    };
    for d in outcome.diagnostics.iter_mut().filter(|d| d.code == "LP027") {
        d.hint = Some(hint.clone());
    }
}

/// `63 VPCs`, or `63 VPCs, and 3 removed from the topology kept until
/// released or pruned: a, b, c`: the topology's VPCs, and the entries of
/// removed ones apart.
fn counted(lock: &Lock, outcome: &Outcome) -> String {
    let planned = outcome.plan.as_ref().map_or(0, |p| p.vpcs.len());
    let removed = outcome.plan.as_ref().map(|p| lock.removed_from(p)).unwrap_or_default();
    let vpcs = |n: usize| format!("{n} VPC{}", if n == 1 { "" } else { "s" });
    if removed.is_empty() {
        vpcs(planned)
    } else {
        format!(
            "{}, and {} removed from the topology, kept until released or pruned: {}",
            vpcs(planned),
            removed.len(),
            listed(&removed)
        )
    }
}

/// The VPCs of the lock as read, those released included.
fn held_before_release(outcome: &Outcome) -> Vec<&str> {
    let mut names = outcome.locked_vpcs();
    names.extend(outcome.released().iter().map(|(n, _)| n.as_str()));
    names.sort_unstable();
    names
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn listed(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    }
}
