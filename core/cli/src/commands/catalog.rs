//! `plan catalog`: the endpoint services Linkplan knows, searched by name,
//! and one service's service name, kind, DNS names and regions.

use crate::args::Format;
use crate::error::{CliError, CliResult, Exit};
use crate::output::Output;
use linkplan_core::catalog::{self, EndpointKind, Service};
use serde::Serialize;
use std::fmt::Write as _;

/// List or search the endpoint service catalog, or show one service.
#[derive(clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Example:\n  plan catalog                      # every service, one a line\n  plan catalog bedrock              # the services whose name holds `bedrock`\n  plan catalog show bedrock-runtime --region eu-west-1\n  plan catalog sagemaker --format json\n  plan catalog refresh --live topology.yaml   # the catalog against the accounts"
)]
pub struct Args {
    #[command(subcommand)]
    pub show: Option<Show>,
    /// Part of a name: lists the services whose short or service name holds
    /// it, in any case. Without it, every service.
    pub query: Option<String>,
    /// Show names for this region, and whether it offers the service.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(clap::Subcommand)]
pub enum Show {
    /// Show one service: its service name, kind, DNS names and regions.
    Show(ShowArgs),
    /// Compare the catalog with what the topology's accounts and regions
    /// offer (`DescribeVpcEndpointServices`, with `--live`).
    Refresh(super::catalog_refresh::Args),
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// The service's short name, as `services:` takes it (`bedrock-runtime`).
    pub name: String,
    /// Show names for this region, and whether it offers the service.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    match &args.show {
        Some(Show::Show(a)) => return show(a, out),
        Some(Show::Refresh(a)) => return super::catalog_refresh::exec(a, out),
        None => {}
    }
    let region = checked_region(args.region.as_deref())?;
    let query = args.query.as_deref().unwrap_or("");
    let found = search(query);
    if found.is_empty() {
        let hint = linkplan_core::suggest::hint_for(query, catalog::short_names())
            .map_or_else(|| "; `plan catalog` lists every service".to_owned(), |h| format!("; {h}"));
        return Err(CliError::usage(format!("no service matches `{query}`{hint}")));
    }
    let views: Vec<View> = found.iter().map(|s| View::of(s, region)).collect();
    match args.format {
        Format::Json => out.json(&views)?,
        Format::Text => out.out(&list(&views))?,
    }
    Ok(Exit::Ok)
}

fn show(args: &ShowArgs, out: &mut Output) -> CliResult {
    let region = checked_region(args.region.as_deref())?;
    let Some(s) = catalog::service(&args.name) else {
        let hint = linkplan_core::suggest::hint_for(&args.name, catalog::short_names())
            .unwrap_or_else(|| format!("`plan catalog {}` searches the names", args.name));
        return Err(CliError::usage(format!("no service `{}` in the catalog; {hint}", args.name)));
    };
    let view = View::of(s, region);
    match args.format {
        Format::Json => out.json(&view)?,
        Format::Text => out.out(&view.to_text())?,
    }
    Ok(Exit::Ok)
}

/// A region the catalog can answer for, or a usage error naming the nearest.
fn checked_region(region: Option<&str>) -> Result<Option<&str>, CliError> {
    if let Some(r) = region
        && linkplan_core::regions::azs(r).is_none()
    {
        let hint = linkplan_core::suggest::hint_for(r, linkplan_core::regions::names())
            .unwrap_or_else(|| "give a region code such as `us-east-1`".to_owned());
        return Err(CliError::usage(format!("no region `{r}`; {hint}")));
    }
    Ok(region)
}

/// The services whose short name or service name holds `query`, any case,
/// in the catalog's (alphabetical) order.
fn search(query: &str) -> Vec<&'static Service> {
    let q = query.to_lowercase();
    catalog::all()
        .iter()
        .filter(|s| s.short.to_lowercase().contains(&q) || s.name.to_lowercase().contains(&q))
        .collect()
}

/// One service as shown: `{r}` replaced when a region is given.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct View {
    short: &'static str,
    service_name: String,
    kind: EndpointKind,
    /// The names the endpoint answers with private DNS on.
    names: Vec<Name>,
    /// The TCP ports its endpoint listens on, which its security group opens.
    ports: Vec<u16>,
    /// The short name of its FIPS endpoint, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    fips: Option<&'static str>,
    /// The regions that offer it; absent: every commercial region, or not
    /// known (`regionsKnown: false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    regions: Option<Vec<&'static str>>,
    /// False where no source lists its regions: it is taken as offered
    /// everywhere, and `plan check --live` asks the accounts.
    regions_known: bool,
    /// With `--region`: whether that region offers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    offered: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Name {
    /// The private hosted zone a hub serves for it.
    zone: String,
    apex: bool,
    wildcard: bool,
    /// A name answered in this region only (S3's global name in us-east-1).
    #[serde(skip_serializing_if = "Option::is_none")]
    only_in: Option<&'static str>,
}

impl View {
    fn of(s: &'static Service, region: Option<&str>) -> Self {
        let r = region.unwrap_or("{r}");
        View {
            short: s.short,
            service_name: s.service_name(r),
            kind: s.kind,
            names: s
                .zones
                .iter()
                .filter(|z| region.is_none() || z.only_in.is_none_or(|only| Some(only) == region))
                .map(|z| Name {
                    zone: z.name.replace("{r}", r),
                    apex: z.apex,
                    wildcard: z.wildcard,
                    only_in: z.only_in,
                })
                .collect(),
            ports: s.ports.to_vec(),
            fips: s.fips,
            regions: s.regions.map(<[&str]>::to_vec),
            regions_known: s.regions_known,
            offered: region.map(|r| s.offered_in(r)),
        }
    }

    fn kind(&self) -> &'static str {
        match self.kind {
            EndpointKind::Interface => "interface",
            EndpointKind::Gateway => "gateway",
        }
    }

    /// `*.x.{r}.amazonaws.com and x.{r}.amazonaws.com`.
    fn names_text(&self) -> String {
        let mut names = Vec::new();
        for n in &self.names {
            let only = n.only_in.map(|r| format!(" ({r} only)")).unwrap_or_default();
            if n.apex {
                names.push(format!("{}{only}", n.zone));
            }
            if n.wildcard {
                names.push(format!("*.{}{only}", n.zone));
            }
        }
        if names.is_empty() { "(no private DNS name)".to_owned() } else { names.join(", ") }
    }

    fn regions_text(&self) -> String {
        match &self.regions {
            None if !self.regions_known => {
                "not listed by any source: taken as every region (`plan check --live` asks)".to_owned()
            }
            None => "every commercial region".to_owned(),
            Some(rs) => format!("{} regions: {}", rs.len(), rs.join(", ")),
        }
    }

    fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{}", self.short);
        let _ = writeln!(s, "  service name  {}", self.service_name);
        let _ = writeln!(s, "  kind          {}", self.kind());
        let _ = writeln!(s, "  names         {}", self.names_text());
        let ports: Vec<String> = self.ports.iter().map(u16::to_string).collect();
        let _ = writeln!(s, "  ports         TCP {}", ports.join(", "));
        if let Some(f) = self.fips {
            let _ = writeln!(s, "  FIPS          {f}");
        }
        let _ = writeln!(s, "  regions       {}", self.regions_text());
        if let Some(offered) = self.offered {
            let _ = writeln!(s, "  offered here  {}", if offered { "yes" } else { "no" });
        }
        s
    }
}

/// One service a line: short name, kind, service name; then the count.
fn list(views: &[View]) -> String {
    let width = views.iter().map(|v| v.short.len()).max().unwrap_or(0);
    let mut s = String::new();
    for v in views {
        let offered = match v.offered {
            Some(false) => "  (not offered in this region)",
            _ => "",
        };
        let _ = writeln!(s, "{:<width$}  {:<9}  {}{offered}", v.short, v.kind(), v.service_name);
    }
    let _ = writeln!(s, "{} service{}", views.len(), if views.len() == 1 { "" } else { "s" });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_matches_short_and_service_names_in_any_case() {
        let found: Vec<&str> = search("BEDROCK").iter().map(|s| s.short).collect();
        assert!(found.contains(&"bedrock-runtime") && found.contains(&"bedrock-agent"), "{found:?}");
        assert!(found.iter().all(|s| s.contains("bedrock")), "{found:?}");
        assert_eq!(search("").len(), catalog::all().len());
        assert!(search("no-such-service").is_empty());
    }

    #[test]
    fn a_view_fills_in_the_region() {
        let Some(s) = catalog::service("sts") else { panic!("sts is in the catalog") };
        let v = View::of(s, Some("eu-west-1"));
        assert_eq!(v.service_name, "com.amazonaws.eu-west-1.sts");
        assert_eq!(v.names_text(), "sts.eu-west-1.amazonaws.com");
        assert_eq!(v.offered, Some(true));
        let text = View::of(s, None).to_text();
        assert!(text.contains("  service name  com.amazonaws.{r}.sts\n"), "{text}");
        assert!(!text.contains("offered here"), "{text}");
    }
}
