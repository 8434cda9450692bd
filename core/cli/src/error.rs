//! The one error type of the CLI and its exit codes.

use std::process::ExitCode;

/// How `plan` ends. The codes are part of the interface: CI scripts match
/// on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Valid (warnings at most), or the command did what it was asked.
    Ok = 0,
    /// Findings with errors, or a lock that `plan lock --check` found
    /// missing or out of date.
    Findings = 1,
    /// A usage error, a file that cannot be read or written, or a live call
    /// that failed.
    Usage = 2,
}

impl Exit {
    /// `Ok` when no diagnostic of the outcome is an error, else `Findings`.
    pub fn of(outcome: &linkplan_core::Outcome) -> Self {
        if outcome.is_valid() { Exit::Ok } else { Exit::Findings }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// A command that could not finish: the message `main` prints (`error: …`
/// on stderr) and the code it exits with. Without a message the command
/// ends quietly, as on a closed output pipe.
#[derive(Debug)]
pub struct CliError {
    pub message: Option<String>,
    pub code: Exit,
}

impl CliError {
    /// A usage or I/O error: exit 2 with the message.
    pub fn usage(message: impl Into<String>) -> Self {
        Self { message: Some(message.into()), code: Exit::Usage }
    }

    /// An end without a message.
    pub fn quiet(code: Exit) -> Self {
        Self { message: None, code }
    }
}

pub type CliResult = Result<Exit, CliError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!(Exit::Ok as u8, 0);
        assert_eq!(Exit::Findings as u8, 1);
        assert_eq!(Exit::Usage as u8, 2);
        assert_eq!(CliError::usage("x").code, Exit::Usage);
        assert!(CliError::quiet(Exit::Ok).message.is_none());
    }
}
