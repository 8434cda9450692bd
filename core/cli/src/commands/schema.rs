//! `plan schema`: the JSON Schema of the topology file or of the plan.

use crate::error::{CliResult, Exit};
use crate::output::Output;

/// Print the JSON Schema of the topology file (or of the plan).
#[derive(clap::Args)]
#[command(after_help = "Example:\n  plan schema > topology.schema.json\n  plan schema --plan")]
pub struct Args {
    /// The schema of `plan show --format json` instead.
    #[arg(long)]
    pub plan: bool,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    let schema = if args.plan { linkplan_core::plan::json_schema() } else { linkplan_core::spec::json_schema() };
    out.json(&schema)?;
    Ok(Exit::Ok)
}
