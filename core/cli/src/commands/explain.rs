//! `plan explain`: how a workload reaches a service, in words.

use crate::args::{Color, Common, Format};
use crate::error::{CliError, CliResult, Exit};
use crate::loaded::Loaded;
use crate::output::Output;
use std::path::PathBuf;

/// Explain, in words, how a workload reaches a service it needs (or the
/// first missing link).
#[derive(clap::Args)]
#[command(after_help = "Example:\n  plan explain examples/bedrock-privatelink/topology.yaml app-notebook-apse1 sts")]
pub struct Args {
    /// The topology file.
    pub file: PathBuf,
    /// The workload's name.
    pub workload: String,
    /// The service, as in its `needs` (`sts` or `sts@us-east-1`), or a flow
    /// (`flow:bedrock`, `flow:studio/<lob>`, `privatelink:<name>`).
    pub service: String,
    #[arg(long)]
    pub lock: Option<PathBuf>,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    let (workload, service) = (args.workload.as_str(), args.service.as_str());
    let c = Common { file: args.file.clone(), lock: args.lock.clone(), format: Format::Text, color: Color::Auto };
    let loaded = Loaded::read(&c.file, c.lock.as_deref())?;
    let outcome = loaded.run();
    let Some(plan) = &outcome.plan else {
        out.diagnostics(&loaded, &outcome, &c);
        return Ok(Exit::Findings);
    };
    let matches: Vec<_> = plan
        .reachability
        .iter()
        .filter(|p| p.workload == workload && (p.need == service || p.service == service))
        .collect();
    if matches.is_empty() {
        let needs: Vec<String> =
            plan.reachability.iter().filter(|p| p.workload == workload).map(|p| p.need.clone()).collect();
        return Err(CliError::usage(if needs.is_empty() {
            format!("no workload `{workload}` with needs in {}", loaded.file)
        } else {
            format!("workload `{workload}` does not need `{service}`; its needs are {}", needs.join(", "))
        }));
    }
    for p in matches {
        out.out(&p.to_text())?;
    }
    Ok(Exit::Ok)
}
