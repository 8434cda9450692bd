//! `plan validate`: every finding of a topology at once.

use crate::args::Common;
use crate::error::{CliResult, Exit};
use crate::loaded::Loaded;
use crate::output::Output;

/// Check a topology and report every finding at once.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  plan validate examples/bedrock-privatelink/topology.yaml\n  plan validate topology.yaml --format json | jq '.diagnostics[].code'"
)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    let c = &args.common;
    let loaded = Loaded::read(&c.file, c.lock.as_deref())?;
    let outcome = loaded.run();
    out.report(&loaded, &outcome, c)?;
    Ok(Exit::of(&outcome))
}
