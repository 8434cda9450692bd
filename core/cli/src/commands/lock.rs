//! `plan lock`: writes the lock file, or with `--check` says whether it is
//! current.

use crate::args::Common;
use crate::error::{CliError, CliResult, Exit};
use crate::loaded::Loaded;
use crate::lockfile;
use crate::output::Output;

/// Write the lock file recording every allocation, so it never moves.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  plan lock examples/bedrock-privatelink/topology.yaml\n  plan lock topology.yaml --check   # in CI: fail when the lock is out of date"
)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Drop entries of VPCs and subnets that left the topology (their
    /// ranges become free for new allocations).
    #[arg(long)]
    pub prune: bool,
    /// Write nothing; exit 1 when the lock is missing or out of date.
    #[arg(long)]
    pub check: bool,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    let c = &args.common;
    let loaded = Loaded::read(&c.file, c.lock.as_deref())?;
    let outcome = loaded.run();
    out.diagnostics(&loaded, &outcome, c);
    let Some(new_lock) = outcome.lock_update(args.prune) else {
        out.note("the lock was not written: fix the errors above first");
        return Ok(Exit::Findings);
    };
    let rendered = new_lock.render();
    let path = &loaded.lock_path;
    if loaded.lock.as_ref().is_some_and(|(_, old)| *old == rendered) {
        out.note(&format!("{} is up to date ({} VPCs)", path.display(), new_lock.vpcs.len()));
        return Ok(Exit::Ok);
    }
    if args.check {
        let what = if loaded.lock.is_some() { "out of date" } else { "missing" };
        out.note(&format!("{} is {what}: run `plan lock {}` and commit it", path.display(), loaded.file));
        return Ok(Exit::Findings);
    }
    lockfile::write_atomic(path, &rendered)
        .map_err(|e| CliError::usage(format!("cannot write {}: {e}", path.display())))?;
    out.note(&format!("wrote {} ({} VPCs)", path.display(), new_lock.vpcs.len()));
    Ok(Exit::Ok)
}
