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
