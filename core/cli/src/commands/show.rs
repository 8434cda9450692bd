//! `plan show`: the plan, as text or JSON; diagnostics go to stderr.

use crate::args::{Common, Format};
use crate::error::{CliResult, Exit};
use crate::loaded::Loaded;
use crate::output::Output;
use linkplan_core::render::JsonReport;

/// Print the plan: every VPC's CIDR and subnets.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  plan show examples/bedrock-privatelink/topology.yaml\n  plan show topology.yaml --format json | jq '.vpcs'"
)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    let c = &args.common;
    let loaded = Loaded::read(&c.file, c.lock.as_deref())?;
    let outcome = loaded.run();
    match (&outcome.plan, c.format) {
        (Some(plan), Format::Json) => {
            out.diagnostics(&loaded, &outcome, c);
            out.json(plan)?;
        }
        (Some(plan), Format::Text) => {
            out.diagnostics(&loaded, &outcome, c);
            out.out(&plan.to_text())?;
        }
        (None, Format::Json) => out.json(&JsonReport::new(&outcome.diagnostics))?,
        (None, Format::Text) => out.diagnostics(&loaded, &outcome, c),
    }
    Ok(Exit::of(&outcome))
}
