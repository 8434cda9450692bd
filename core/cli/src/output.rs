//! Where output goes: the plan, reports and pages to a locked stdout;
//! diagnostics of `show`, `lock` and `explain` and notes to stderr.
//!
//! `print!` panics when stdout is a closed pipe (`plan show … | head -1`);
//! here a closed pipe ends the command quietly with exit 0, as ripgrep does.

use crate::args::Common;
use crate::error::{CliError, Exit};
use crate::loaded::Loaded;
use linkplan_core::Outcome;
use linkplan_core::render::{self, JsonReport};
use std::io::{self, Stderr, StdoutLock, Write};

pub struct Output {
    stdout: StdoutLock<'static>,
    /// Locked for each write only, so a thread of the live check that
    /// writes to it never waits on the main one.
    stderr: Stderr,
}

impl Output {
    pub fn new() -> Self {
        Self { stdout: io::stdout().lock(), stderr: io::stderr() }
    }

    /// Text to stdout.
    pub fn out(&mut self, text: &str) -> Result<(), CliError> {
        self.stdout.write_all(text.as_bytes()).map_err(|e| stdout_error(&e))
    }

    /// A value as pretty JSON and a newline to stdout.
    pub fn json(&mut self, value: &impl serde::Serialize) -> Result<(), CliError> {
        let mut s = serde_json::to_string_pretty(value).map_err(|e| CliError::usage(e.to_string()))?;
        s.push('\n');
        self.out(&s)
    }

    /// A line to stderr.
    pub fn note(&self, line: &str) {
        // A stderr that cannot be written has nowhere to report to; the exit
        // code still tells the outcome.
        let _ = writeln!(self.stderr.lock(), "{line}");
    }

    /// Text to stderr, as it is.
    pub fn err(&self, text: &str) {
        // as in `note`: nowhere to report a failure to
        let _ = self.stderr.lock().write_all(text.as_bytes());
    }

    /// Writes out what stdout still buffers.
    pub fn flush(&mut self) -> Result<(), CliError> {
        self.stdout.flush().map_err(|e| stdout_error(&e))
    }

    /// Every diagnostic, as text on stdout or as the JSON report.
    pub fn report(&mut self, loaded: &Loaded, outcome: &Outcome, c: &Common) -> Result<(), CliError> {
        match c.format {
            crate::args::Format::Json => self.json(&JsonReport::new(&outcome.diagnostics)),
            crate::args::Format::Text => self.out(&text(loaded, outcome, c)),
        }
    }

    /// The diagnostics as text on stderr (nothing when there are none), for
    /// the commands whose stdout is something else.
    pub fn diagnostics(&self, loaded: &Loaded, outcome: &Outcome, c: &Common) {
        if outcome.diagnostics.is_empty() {
            return;
        }
        self.err(&text(loaded, outcome, c));
    }
}

/// The diagnostics as text, at most `--max-findings` of them, and the summary.
fn text(loaded: &Loaded, outcome: &Outcome, c: &Common) -> String {
    let sources = loaded.sources();
    render::renderer_for(&outcome.diagnostics, sources.as_slice()).render_all(
        &outcome.diagnostics,
        c.style(),
        c.max_findings(),
    )
}

/// A closed pipe ends the command quietly with exit 0; any other failure to
/// write stdout is an I/O error.
fn stdout_error(e: &io::Error) -> CliError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CliError::quiet(Exit::Ok)
    } else {
        CliError::usage(format!("cannot write to stdout: {e}"))
    }
}
