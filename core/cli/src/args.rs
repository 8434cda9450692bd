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
}
