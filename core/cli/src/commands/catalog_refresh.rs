//! `plan catalog refresh --live`: the built-in catalog against what the
//! topology's accounts and regions offer. It reports and writes nothing;
//! docs/catalog.md says how a report becomes a catalog change.

use crate::args::{Common, LiveArgs};
use crate::error::{CliError, CliResult, Exit};
use crate::loaded::Loaded;
use crate::output::Output;

/// Compare the catalog with the endpoint services every account × region
/// of a topology offers (the `live` feature).
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  plan catalog refresh --live topology.yaml\n  plan catalog refresh --live topology.yaml --format json > catalog-report.json\n\nIt reads DescribeAvailabilityZones and DescribeVpcEndpointServices in each\naccount × region of the topology (credentials and roles as `plan check --live`)\nand reports services the catalog takes as offered that a region does not list,\nand the reverse; other endpoint types; AZs a service is missing from; private\nDNS names the catalog does not answer; AWS services the catalog does not know.\nNothing is written: docs/catalog.md says how to turn a report into a change.\nExit codes: 0 the catalog agrees, 1 differences (or findings with errors),\n2 usage error or a live call that failed."
)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Read the accounts through the AWS API (required: the offline
    /// refresh is `core/scripts/gen_catalog.py`).
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub access: LiveArgs,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    if !args.live {
        return Err(CliError::usage(
            "`plan catalog refresh` compares the catalog with the accounts: add `--live`; to regenerate the catalog from botocore and aws-cdk-lib, run `python3 core/scripts/gen_catalog.py` (docs/catalog.md)",
        ));
    }
    let c = &args.common;
    let loaded = Loaded::read(&c.file, c.lock.as_deref())?;
    let outcome = loaded.run();
    let Some(plan) = &outcome.plan else {
        out.report(&loaded, &outcome, c)?;
        out.note("the catalog was not compared: fix the errors above first");
        return Ok(Exit::Findings);
    };
    out.diagnostics(&loaded, &outcome, c);
    compare(plan, args, out)
}

#[cfg(feature = "live")]
fn compare(plan: &linkplan_core::Plan, args: &Args, out: &mut Output) -> CliResult {
    let reports = linkplan_live::catalog_reports(plan, &args.access.options())
        .map_err(|e| CliError::usage(format!("catalog refresh: {e}")))?;
    let differences: usize = reports.iter().map(linkplan_live::RegionReport::differences).sum();
    match args.common.format {
        crate::args::Format::Json => out.json(&Report { differences, regions: &reports })?,
        crate::args::Format::Text => out.out(&render::text(&reports))?,
    }
    Ok(if differences == 0 { Exit::Ok } else { Exit::Findings })
}

/// `--format json`: the total, then each account × region.
#[cfg(feature = "live")]
#[derive(serde::Serialize)]
struct Report<'a> {
    differences: usize,
    regions: &'a [linkplan_live::RegionReport],
}

#[cfg(not(feature = "live"))]
fn compare(_: &linkplan_core::Plan, _: &Args, _: &mut Output) -> CliResult {
    Err(LiveArgs::unavailable())
}

#[cfg(feature = "live")]
mod render {
    use linkplan_core::catalog::EndpointKind;
    use linkplan_live::RegionReport;
    use linkplan_live::catalog_diff::ServiceRef;
    use std::fmt::Write as _;

    fn service(s: &ServiceRef) -> String {
        let planned = if s.planned { " (planned here)" } else { "" };
        format!("{} ({}){planned}", s.short, s.service_name)
    }

    fn kind(k: EndpointKind) -> &'static str {
        match k {
            EndpointKind::Interface => "interface",
            EndpointKind::Gateway => "gateway",
        }
    }

    fn section(out: &mut String, title: &str, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(out, "  {title}: {}", lines.len());
        for l in lines {
            let _ = writeln!(out, "    {l}");
        }
    }

    /// Per account × region: what differs, one item a line; then the total.
    pub fn text(reports: &[RegionReport]) -> String {
        let mut out = String::new();
        let mut total = 0;
        for r in reports {
            let whose = format!("account {} ({}), {}", r.account, r.account_id, r.region);
            if r.region_disabled {
                let _ = writeln!(out, "{whose}: the region is not enabled; nothing compared");
                continue;
            }
            let n = r.differences();
            total += n;
            let agrees = if n == 0 { "agrees with the catalog".to_owned() } else { format!("{n} differences") };
            let _ = writeln!(out, "{whose}: {} services offered, {agrees}", r.offered_count);
            section(
                &mut out,
                "in the catalog for this region, not offered here",
                &r.not_offered.iter().map(service).collect::<Vec<_>>(),
            );
            section(
                &mut out,
                "offered here, outside the catalog's regions",
                &r.offered_unlisted.iter().map(service).collect::<Vec<_>>(),
            );
            let kinds: Vec<String> = r
                .kinds
                .iter()
                .map(|k| {
                    let offered: Vec<&str> = k.offered.iter().copied().map(kind).collect();
                    format!(
                        "{}: the catalog says {}, offered as {}",
                        service(&k.service),
                        kind(k.catalog),
                        offered.join(" and ")
                    )
                })
                .collect();
            section(&mut out, "offered as another endpoint type", &kinds);
            let azs: Vec<String> = r
                .azs
                .iter()
                .map(|g| {
                    let vpcs = if g.vpcs_in_missing.is_empty() {
                        String::new()
                    } else {
                        format!("; the topology's VPCs there: {}", g.vpcs_in_missing.join(", "))
                    };
                    format!("{}: not in {}{vpcs}", service(&g.service), g.missing.join(", "))
                })
                .collect();
            section(&mut out, "not offered in every AZ of the account", &azs);
            let names: Vec<String> = r
                .names
                .iter()
                .map(|d| {
                    let catalog = if d.catalog.is_empty() { "no name".to_owned() } else { d.catalog.join(", ") };
                    format!("{}: {} (the catalog answers {catalog})", service(&d.service), d.unanswered.join(", "))
                })
                .collect();
            section(&mut out, "private DNS names the catalog does not answer", &names);
            section(&mut out, "AWS services the catalog does not know", &r.unknown);
            if !r.confirmed.is_empty() {
                let _ = writeln!(
                    out,
                    "  confirmed here, where no source lists the regions: {} services",
                    r.confirmed.len()
                );
            }
        }
        let _ = writeln!(
            out,
            "{total} difference{} from the catalog in {} account × region{}{}",
            if total == 1 { "" } else { "s" },
            reports.len(),
            if reports.len() == 1 { "" } else { "s" },
            if total == 0 { "" } else { "; docs/catalog.md says how to turn them into a catalog change" }
        );
        out
    }
}
