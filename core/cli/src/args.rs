//! The arguments several commands share.

use clap::ValueEnum;
use linkplan_core::render::TextStyle;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
pub struct Common {
    /// The topology file (YAML or JSON); `-` reads standard input.
    pub file: PathBuf,
    /// The lock file. Default: FILE's name with `.lock.json`, beside it
    /// (`topology.yaml` → `topology.lock.json`), used when it exists.
    #[arg(long)]
    pub lock: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Colours in text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Text output shows the first N findings, then how many more there
    /// are (0 shows every one); the summary counts them all, and
    /// `--format json` lists them all.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_findings: usize,
}

impl Common {
    /// How diagnostics look: colours when asked, or on a terminal without
    /// `NO_COLOR`.
    pub fn style(&self) -> TextStyle {
        let color = match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        TextStyle { color, width: None }
    }

    /// How many findings text output shows; `None` for every one.
    pub fn max_findings(&self) -> Option<usize> {
        (self.max_findings > 0).then_some(self.max_findings)
    }
}

/// How `--live` reaches the accounts: `plan check` and `plan catalog refresh`.
#[derive(clap::Args)]
pub struct LiveArgs {
    /// The role assumed in each account (a name, or a full ARN).
    #[arg(long, value_name = "ROLE", default_value = "OrganizationAccountAccessRole")]
    pub role_name: String,
    /// In account NAME (its name in the topology, or its ID), assume ROLE
    /// instead (a name, or a full ARN). Repeatable.
    #[arg(long, value_name = "NAME=ROLE", value_parser = key_value)]
    pub account_role: Vec<(String, String)>,
    /// In account NAME, use the named profile's credentials as they are.
    /// Repeatable.
    #[arg(long, value_name = "NAME=PROFILE", value_parser = key_value)]
    pub account_profile: Vec<(String, String)>,
    /// How many account × region checks run at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// The time limit of one API call, retries included, in seconds.
    #[arg(long, value_name = "S", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout_secs: u64,
    /// Attempts per API call (throttling and transient errors are retried
    /// with backoff).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
}

impl LiveArgs {
    #[cfg(feature = "live")]
    pub fn options(&self) -> linkplan_live::Options {
        linkplan_live::Options {
            role_name: self.role_name.clone(),
            account_roles: self.account_role.iter().cloned().collect(),
            account_profiles: self.account_profile.iter().cloned().collect(),
            concurrency: usize::from(self.concurrency),
            timeout: std::time::Duration::from_secs(self.timeout_secs),
            max_attempts: self.max_attempts,
            ..linkplan_live::Options::default()
        }
    }

    /// The error of `--live` in a `plan` built without the feature.
    #[cfg(not(feature = "live"))]
    pub fn unavailable() -> crate::error::CliError {
        crate::error::CliError::usage("this `plan` was built without the `live` feature; `--live` is not available")
    }
}

fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::key_value;

    #[test]
    fn key_values_need_both_sides() {
        assert_eq!(key_value("ml=admin"), Ok(("ml".to_owned(), "admin".to_owned())));
        assert_eq!(key_value("a=b=c"), Ok(("a".to_owned(), "b=c".to_owned())));
        for bad in ["ml", "=admin", "ml="] {
            assert!(key_value(bad).is_err(), "{bad}");
        }
    }
}
