//! One module per subcommand, each with its arguments and an `exec`.

pub mod catalog;
pub mod catalog_refresh;
pub mod check;
pub mod explain;
pub mod lock;
pub mod rules;
pub mod schema;
pub mod show;
pub mod validate;

use crate::error::{CliError, CliResult};
use crate::output::Output;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    Validate(validate::Args),
    Show(show::Args),
    Lock(lock::Args),
    Explain(explain::Args),
    Check(check::Args),
    Schema(schema::Args),
    Rules(rules::Args),
    Catalog(catalog::Args),
}

impl Command {
    pub fn exec(&self, out: &mut Output) -> CliResult {
        match self {
            Command::Validate(args) => validate::exec(args, out),
            Command::Show(args) => show::exec(args, out),
            Command::Lock(args) if crate::loaded::is_stdin(&args.common.file) && args.common.lock.is_none() => {
                Err(CliError::usage(
                    "`plan lock -` reads the topology from standard input: there is no file beside which to write its lock; give `--lock PATH`",
                ))
            }
            Command::Lock(args) => lock::exec(args, out),
            Command::Explain(args) => explain::exec(args, out),
            Command::Check(args) => check::exec(args, out),
            Command::Schema(args) => schema::exec(args, out),
            Command::Rules(args) => rules::exec(args, out),
            Command::Catalog(args) => catalog::exec(args, out),
        }
    }
}
