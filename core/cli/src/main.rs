//! `plan`: validate, show and lock Linkplan topologies.
//!
//! One module per subcommand under `commands/`; each returns the [`error::Exit`]
//! code it ends with or an [`error::CliError`] carrying its own. Exit codes: 0
//! valid, 1 findings with errors (or a lock out of date with `--check`), 2
//! usage or I/O error. A closed output pipe ends a command quietly with 0.

mod args;
mod commands;
mod error;
mod loaded;
mod lockfile;
mod output;

use clap::Parser;
use error::CliError;
use output::Output;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "plan", version, about = "Plan and prove private multi-account access to AWS AI/ML services")]
struct Cli {
    #[command(subcommand)]
    command: commands::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Output::new();
    let ended = cli.command.exec(&mut out).and_then(|exit| out.flush().map(|()| exit));
    match ended {
        Ok(exit) => exit.into(),
        Err(CliError { message, code }) => {
            if let Some(message) = message {
                out.note(&format!("error: {message}"));
            }
            code.into()
        }
    }
}
