//! The files of one run, read: the topology and its lock when there is one.
//!
//! Each is read as bytes, at most one byte past the core's size limit, and
//! decoded by the core: a file too large or not UTF-8 is an LP001 finding
//! (with its line and column), not an I/O error. FILE `-` is standard input.

use crate::error::CliError;
use crate::lockfile;
use linkplan_core::source::MAX_INPUT_BYTES;
use linkplan_core::{Diagnostic, Input, Outcome, Text};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The name diagnostics report for a topology read from standard input.
pub const STDIN_NAME: &str = "<stdin>";

pub struct Loaded {
    pub file: String,
    pub text: String,
    pub lock_path: PathBuf,
    pub lock: Option<(String, String)>,
    /// The LP001s of files the core refused to read (too large, not UTF-8):
    /// the run reports them alone.
    refused: Vec<Diagnostic>,
}

/// True for FILE `-`: the topology comes from standard input.
pub fn is_stdin(file: &Path) -> bool {
    file.as_os_str() == "-"
}

impl Loaded {
    /// Reads `file` (standard input for `-`) and its lock: `lock` when given
    /// (it must exist), else the default lock beside the file when it exists
    /// (standard input has none).
    pub fn read(file: &Path, lock: Option<&Path>) -> Result<Self, CliError> {
        Self::read_lock_of(file, lock, false)
    }

    /// [`Loaded::read`] for `plan lock`, which writes the lock: a lock
    /// given with `--lock` that does not exist yet is no lock, to be
    /// created, as the default one is.
    pub fn read_to_lock(file: &Path, lock: Option<&Path>) -> Result<Self, CliError> {
        Self::read_lock_of(file, lock, true)
    }

    fn read_lock_of(file: &Path, lock: Option<&Path>, may_create: bool) -> Result<Self, CliError> {
        let stdin = is_stdin(file);
        let name = if stdin { STDIN_NAME.to_owned() } else { file.display().to_string() };
        let mut refused = Vec::new();
        let bytes = if stdin {
            read_bounded(std::io::stdin().lock(), None)
        } else {
            std::fs::File::open(file).and_then(|f| {
                let size = f.metadata().ok().map(|m| m.len());
                read_bounded(f, size)
            })
        }
        .map_err(|e| CliError::usage(format!("cannot read {name}: {e}")))?;
        let text = decoded(&name, bytes, &mut refused);
        let explicit = lock.is_some();
        let lock_path = lock.map_or_else(|| lockfile::default_path(file), Path::to_path_buf);
        let lock = if stdin && !explicit {
            None
        } else {
            match std::fs::File::open(&lock_path).and_then(|f| {
                let size = f.metadata().ok().map(|m| m.len());
                read_bounded(f, size)
            }) {
                Ok(bytes) => {
                    let lock_name = lock_path.display().to_string();
                    let text = decoded(&lock_name, bytes, &mut refused);
                    Some((lock_name, text))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && (may_create || !explicit) => None,
                Err(e) => {
                    return Err(CliError::usage(format!("cannot read lock file {}: {e}", lock_path.display())));
                }
            }
        };
        Ok(Self { file: name, text, lock_path, lock, refused })
    }

    pub fn run(&self) -> Outcome {
        self.run_releasing(&[])
    }

    /// [`Loaded::run`], with the lock entries of `release` dropped first.
    pub fn run_releasing(&self, release: &[String]) -> Outcome {
        if !self.refused.is_empty() {
            return Outcome::of_diagnostics(self.refused.clone());
        }
        linkplan_core::run_releasing(
            &Input {
                topology: Text { file: &self.file, text: &self.text },
                lock: self.lock.as_ref().map(|(file, text)| Text { file, text }),
            },
            release,
        )
    }

    /// The texts diagnostics point into, by file name.
    pub fn sources(&self) -> Vec<(&str, &str)> {
        let mut s = vec![(self.file.as_str(), self.text.as_str())];
        if let Some((f, t)) = &self.lock {
            s.push((f.as_str(), t.as_str()));
        }
        s
    }
}

/// The bytes and size of a file, read up to one byte past the limit (the
/// core then refuses it without more of it in memory).
fn read_bounded(r: impl Read, size: Option<u64>) -> std::io::Result<(Vec<u8>, Option<u64>)> {
    let cap = MAX_INPUT_BYTES as u64 + 1;
    let mut bytes = Vec::with_capacity(size.map_or(0, |n| n.min(cap) as usize));
    r.take(cap).read_to_end(&mut bytes)?;
    Ok((bytes, size))
}

/// The text of a file, or its LP001 in `refused` and the text its frame
/// points into.
fn decoded(name: &str, (bytes, size): (Vec<u8>, Option<u64>), refused: &mut Vec<Diagnostic>) -> String {
    match linkplan_core::decode(name, bytes, size) {
        Ok(text) => text,
        Err(e) => {
            refused.push(e.diagnostic);
            e.text
        }
    }
}
