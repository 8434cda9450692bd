//! `plan explain`: how FROM reaches TO (a workload's need, hop by hop, or a
//! path between VPCs, segments and services), in words.

use crate::args::{Color, Common, Format};
use crate::error::{CliError, CliResult, Exit};
use crate::loaded::Loaded;
use crate::output::Output;
use std::path::PathBuf;

/// Explain, in words, whether FROM reaches TO and how, or what stops it.
///
/// A workload and a service it needs: the reachability proof, link by link
/// (DNS, endpoint, routes, security group, policies). Otherwise FROM is a VPC,
/// a segment or a workload and TO one of those or a service: the packet path
/// both ways (and the security group for a service), or the route that is
/// missing; between segments, the isolation proof and its exceptions.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  plan explain examples/bedrock-privatelink/topology.yaml app-notebook-apse1 sts\n  plan explain topology.yaml segment:non-prod segment:prod\n  plan explain topology.yaml sandbox-euc1 bedrock-runtime@eu-central-1\n\nA bare name is whichever workload, VPC, segment or service it names; when it names several, say which with `workload:`, `vpc:`, `segment:` or `service:`."
)]
pub struct Args {
    /// The topology file; `-` reads standard input.
    pub file: PathBuf,
    /// What calls: a workload, a VPC or a segment.
    pub from: String,
    /// What is called: a service as in a workload's `needs` (`sts` or
    /// `sts@us-east-1`) or a flow (`flow:bedrock`, `flow:studio/<lob>`,
    /// `privatelink:<name>`); or a VPC, a segment or a workload.
    pub to: String,
    #[arg(long)]
    pub lock: Option<PathBuf>,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    let (from, to) = (args.from.as_str(), args.to.as_str());
    let c = Common {
        file: args.file.clone(),
        lock: args.lock.clone(),
        format: Format::Text,
        color: Color::Auto,
        max_findings: 100,
    };
    let loaded = Loaded::read(&c.file, c.lock.as_deref())?;
    let outcome = loaded.run();
    let Some(plan) = &outcome.plan else {
        out.diagnostics(&loaded, &outcome, &c);
        return Ok(Exit::Findings);
    };
    let workload = from.strip_prefix("workload:").unwrap_or(from);
    let matches: Vec<_> =
        plan.reachability.iter().filter(|p| p.workload == workload && (p.need == to || p.service == to)).collect();
    if !matches.is_empty() {
        for p in matches {
            out.out(&p.to_text())?;
        }
        return Ok(Exit::Ok);
    }
    // not a need: a question about the network between two things
    let topo = linkplan_core::read_topology(&loaded.text)
        .ok_or_else(|| CliError::usage(format!("cannot read {} again", loaded.file)))?;
    let needs: Vec<&str> =
        plan.reachability.iter().filter(|p| p.workload == workload).map(|p| p.need.as_str()).collect();
    match linkplan_core::network::explain::between(&topo, plan, from, to) {
        Ok(answer) => {
            if !needs.is_empty() && answer.to.starts_with("service:") {
                out.note(&format!(
                    "note: workload `{workload}` does not need `{to}` (its needs are {}): this answers for its VPC's packets; no policy or name is proved",
                    needs.join(", ")
                ));
            }
            out.out(&answer.to_text())?;
            Ok(Exit::Ok)
        }
        Err(why) => {
            let needs = if needs.is_empty() || to.contains(':') {
                String::new()
            } else {
                format!(" (workload `{workload}` needs {})", needs.join(", "))
            };
            Err(CliError::usage(format!("{why}{needs}")))
        }
    }
}
