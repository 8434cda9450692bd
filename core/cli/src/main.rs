//! `plan`: validate, show and lock Linkplan topologies.
//!
//! Exit codes: 0 valid, 1 findings with errors (or a lock out of date with
//! `--check`), 2 usage or I/O error.

mod lockfile;

use clap::{Parser, Subcommand, ValueEnum};
use linkplan_core::render::{self, JsonReport, TextStyle};
use linkplan_core::{Input, Outcome, Text};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "plan", version, about = "Plan and prove private multi-account access to AWS AI/ML services")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
struct Common {
    /// The topology file (YAML or JSON).
    file: PathBuf,
    /// The lock file. Default: FILE's name with `.lock.json`, beside it
    /// (`topology.yaml` → `topology.lock.json`), used when it exists.
    #[arg(long)]
    lock: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Colours in text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    common: Common,
    /// Also read every account × region of the topology through the AWS API.
    #[arg(long)]
    live: bool,
    /// The role assumed in each account (a name, or a full ARN).
    #[arg(long, value_name = "ROLE", default_value = "OrganizationAccountAccessRole")]
    role_name: String,
    /// In account NAME (its name in the topology, or its ID), assume ROLE
    /// instead (a name, or a full ARN). Repeatable.
    #[arg(long, value_name = "NAME=ROLE", value_parser = key_value)]
    account_role: Vec<(String, String)>,
    /// In account NAME, use the named profile's credentials as they are.
    /// Repeatable.
    #[arg(long, value_name = "NAME=PROFILE", value_parser = key_value)]
    account_profile: Vec<(String, String)>,
    /// How many account × region checks run at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// The time limit of one API call, retries included, in seconds.
    #[arg(long, value_name = "S", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout_secs: u64,
    /// Attempts per API call (throttling and transient errors are retried
    /// with backoff).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
}

fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check a topology and report every finding at once.
    #[command(
        after_help = "Example:\n  plan validate examples/bedrock-privatelink/topology.yaml\n  plan validate topology.yaml --format json | jq '.diagnostics[].code'"
    )]
    Validate(Common),
    /// Print the plan: every VPC's CIDR and subnets.
    #[command(
        after_help = "Example:\n  plan show examples/bedrock-privatelink/topology.yaml\n  plan show topology.yaml --format json | jq '.vpcs'"
    )]
    Show(Common),
    /// Write the lock file recording every allocation, so it never moves.
    #[command(
        after_help = "Example:\n  plan lock examples/bedrock-privatelink/topology.yaml\n  plan lock topology.yaml --check   # in CI: fail when the lock is out of date"
    )]
    Lock {
        #[command(flatten)]
        common: Common,
        /// Drop entries of VPCs and subnets that left the topology (their
        /// ranges become free for new allocations).
        #[arg(long)]
        prune: bool,
        /// Write nothing; exit 1 when the lock is missing or out of date.
        #[arg(long)]
        check: bool,
    },
    /// Explain, in words, how a workload reaches a service it needs (or the
    /// first missing link).
    #[command(
        after_help = "Example:\n  plan explain examples/bedrock-privatelink/topology.yaml app-notebook-apse1 sts"
    )]
    Explain {
        /// The topology file.
        file: PathBuf,
        /// The workload's name.
        workload: String,
        /// The service, as in its `needs` (`sts` or `sts@us-east-1`).
        service: String,
        #[arg(long)]
        lock: Option<PathBuf>,
    },
    /// Check a topology; with `--live`, also against the real accounts
    /// (existing VPCs, AZ IDs, endpoint services, duplicates) through the
    /// AWS API.
    #[command(
        after_help = "Example:\n  plan check --live topology.yaml\n  plan check --live topology.yaml --role-name NetworkAuditRole --account-profile ml=ml-admin\n  AWS_ENDPOINT_URL=http://127.0.0.1:5000 plan check --live topology.yaml   # a local endpoint\n\nCredentials: the standard chain for the caller (environment, AWS_PROFILE, SSO,\ninstance role); in each account of the topology the caller assumes\n`--role-name` (default OrganizationAccountAccessRole), except in its own account\nand where --account-role or --account-profile says otherwise.\nExit codes: 0 no error, 1 findings with errors, 2 usage error or a live call\nthat failed (no credentials, role refused, throttled, unreachable)."
    )]
    Check(CheckArgs),
    /// Print the JSON Schema of the topology file (or of the plan).
    #[command(after_help = "Example:\n  plan schema > topology.schema.json\n  plan schema --plan")]
    Schema {
        /// The schema of `plan show --format json` instead.
        #[arg(long)]
        plan: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Validate(c) => validate(&c),
        Command::Check(args) => check(&args),
        Command::Show(c) => show(&c),
        Command::Lock { common, prune, check } => lock(&common, prune, check),
        Command::Explain { file, workload, service, lock } => {
            explain(&Common { file, lock, format: Format::Text, color: Color::Auto }, &workload, &service)
        }
        Command::Schema { plan } => {
            let schema = if plan { linkplan_core::plan::json_schema() } else { linkplan_core::spec::json_schema() };
            println!("{}", serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The files of one run, read.
struct Loaded {
    file: String,
    text: String,
    lock_path: PathBuf,
    lock: Option<(String, String)>,
}

impl Loaded {
    fn read(c: &Common) -> Result<Self, String> {
        let text = std::fs::read_to_string(&c.file).map_err(|e| format!("cannot read {}: {e}", c.file.display()))?;
        let explicit = c.lock.is_some();
        let lock_path = c.lock.clone().unwrap_or_else(|| lockfile::default_path(&c.file));
        let lock = match std::fs::read_to_string(&lock_path) {
            Ok(t) => Some((lock_path.display().to_string(), t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => None,
            Err(e) => return Err(format!("cannot read lock file {}: {e}", lock_path.display())),
        };
        Ok(Self { file: c.file.display().to_string(), text, lock_path, lock })
    }

    fn run(&self) -> Outcome {
        linkplan_core::run(&Input {
            topology: Text { file: &self.file, text: &self.text },
            lock: self.lock.as_ref().map(|(file, text)| Text { file, text }),
        })
    }

    fn sources(&self) -> Vec<(&str, &str)> {
        let mut s = vec![(self.file.as_str(), self.text.as_str())];
        if let Some((f, t)) = &self.lock {
            s.push((f.as_str(), t.as_str()));
        }
        s
    }
}

fn style(c: &Common) -> TextStyle {
    let color = match c.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    TextStyle { color, width: None }
}

/// Diagnostics as text on stderr.
fn print_diagnostics(loaded: &Loaded, outcome: &Outcome, c: &Common) {
    if outcome.diagnostics.is_empty() {
        return;
    }
    let text = render::render_all_text(&outcome.diagnostics, loaded.sources().as_slice(), style(c));
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn exit_for(outcome: &Outcome) -> ExitCode {
    if outcome.is_valid() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    let s = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{s}");
    Ok(())
}

fn validate(c: &Common) -> Result<ExitCode, String> {
    let loaded = Loaded::read(c)?;
    let outcome = loaded.run();
    match c.format {
        Format::Json => print_json(&JsonReport::new(&outcome.diagnostics))?,
        Format::Text => {
            let text = render::render_all_text(&outcome.diagnostics, loaded.sources().as_slice(), style(c));
            print!("{text}");
        }
    }
    Ok(exit_for(&outcome))
}

fn check(args: &CheckArgs) -> Result<ExitCode, String> {
    let c = &args.common;
    let loaded = Loaded::read(c)?;
    let mut outcome = loaded.run();
    if args.live {
        let Some(plan) = &outcome.plan else {
            report(&loaded, &outcome, c)?;
            eprintln!("the live check did not run: fix the errors above first");
            return Ok(ExitCode::from(1));
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
    report(&loaded, &outcome, c)?;
    Ok(exit_for(&outcome))
}

#[cfg(feature = "live")]
fn live_check(
    loaded: &Loaded,
    plan: &linkplan_core::Plan,
    args: &CheckArgs,
) -> Result<Vec<linkplan_core::Diagnostic>, String> {
    let options = linkplan_live::Options {
        role_name: args.role_name.clone(),
        account_roles: args.account_role.iter().cloned().collect(),
        account_profiles: args.account_profile.iter().cloned().collect(),
        concurrency: usize::from(args.concurrency),
        timeout: std::time::Duration::from_secs(args.timeout_secs),
        max_attempts: args.max_attempts,
        ..linkplan_live::Options::default()
    };
    linkplan_live::check(Text { file: &loaded.file, text: &loaded.text }, plan, &options)
        .map_err(|e| format!("live check: {e}"))
}

#[cfg(not(feature = "live"))]
fn live_check(_: &Loaded, _: &linkplan_core::Plan, _: &CheckArgs) -> Result<Vec<linkplan_core::Diagnostic>, String> {
    Err("this `plan` was built without the `live` feature; `--live` is not available".to_owned())
}

/// Every diagnostic, as text on stdout or as the JSON report.
fn report(loaded: &Loaded, outcome: &Outcome, c: &Common) -> Result<(), String> {
    match c.format {
        Format::Json => print_json(&JsonReport::new(&outcome.diagnostics)),
        Format::Text => {
            print!("{}", render::render_all_text(&outcome.diagnostics, loaded.sources().as_slice(), style(c)));
            Ok(())
        }
    }
}

fn show(c: &Common) -> Result<ExitCode, String> {
    let loaded = Loaded::read(c)?;
    let outcome = loaded.run();
    match (&outcome.plan, c.format) {
        (Some(plan), Format::Json) => {
            print_diagnostics(&loaded, &outcome, c);
            print_json(plan)?;
        }
        (Some(plan), Format::Text) => {
            print_diagnostics(&loaded, &outcome, c);
            print!("{}", plan.to_text());
        }
        (None, Format::Json) => print_json(&JsonReport::new(&outcome.diagnostics))?,
        (None, Format::Text) => print_diagnostics(&loaded, &outcome, c),
    }
    Ok(exit_for(&outcome))
}

fn explain(c: &Common, workload: &str, service: &str) -> Result<ExitCode, String> {
    let loaded = Loaded::read(c)?;
    let outcome = loaded.run();
    let Some(plan) = &outcome.plan else {
        print_diagnostics(&loaded, &outcome, c);
        return Ok(ExitCode::from(1));
    };
    let matches: Vec<_> = plan
        .reachability
        .iter()
        .filter(|p| p.workload == workload && (p.need == service || p.service == service))
        .collect();
    if matches.is_empty() {
        let needs: Vec<String> =
            plan.reachability.iter().filter(|p| p.workload == workload).map(|p| p.need.clone()).collect();
        return Err(if needs.is_empty() {
            format!("no workload `{workload}` with needs in {}", loaded.file)
        } else {
            format!("workload `{workload}` does not need `{service}`; its needs are {}", needs.join(", "))
        });
    }
    for p in matches {
        print!("{}", p.to_text());
    }
    Ok(ExitCode::SUCCESS)
}

fn lock(c: &Common, prune: bool, check: bool) -> Result<ExitCode, String> {
    let loaded = Loaded::read(c)?;
    let outcome = loaded.run();
    print_diagnostics(&loaded, &outcome, c);
    let Some(new_lock) = outcome.lock_update(prune) else {
        eprintln!("the lock was not written: fix the errors above first");
        return Ok(ExitCode::from(1));
    };
    let rendered = new_lock.render();
    let path = &loaded.lock_path;
    if loaded.lock.as_ref().is_some_and(|(_, old)| *old == rendered) {
        eprintln!("{} is up to date ({} VPCs)", path.display(), new_lock.vpcs.len());
        return Ok(ExitCode::SUCCESS);
    }
    if check {
        let what = if loaded.lock.is_some() { "out of date" } else { "missing" };
        eprintln!("{} is {what}: run `plan lock {}` and commit it", path.display(), loaded.file);
        return Ok(ExitCode::from(1));
    }
    lockfile::write_atomic(path, &rendered).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("wrote {} ({} VPCs)", path.display(), new_lock.vpcs.len());
    Ok(ExitCode::SUCCESS)
}
