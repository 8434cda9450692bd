//! The files of one run, read: the topology and its lock when there is one.

use crate::error::CliError;
use crate::lockfile;
use linkplan_core::{Input, Outcome, Text};
use std::path::{Path, PathBuf};

pub struct Loaded {
    pub file: String,
    pub text: String,
    pub lock_path: PathBuf,
    pub lock: Option<(String, String)>,
}

impl Loaded {
    /// Reads `file` and its lock: `lock` when given (it must exist), else the
    /// default lock beside the file when it exists.
    pub fn read(file: &Path, lock: Option<&Path>) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", file.display())))?;
        let explicit = lock.is_some();
        let lock_path = lock.map_or_else(|| lockfile::default_path(file), Path::to_path_buf);
        let lock = match std::fs::read_to_string(&lock_path) {
            Ok(t) => Some((lock_path.display().to_string(), t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => None,
            Err(e) => return Err(CliError::usage(format!("cannot read lock file {}: {e}", lock_path.display()))),
        };
        Ok(Self { file: file.display().to_string(), text, lock_path, lock })
    }

    pub fn run(&self) -> Outcome {
        linkplan_core::run(&Input {
            topology: Text { file: &self.file, text: &self.text },
            lock: self.lock.as_ref().map(|(file, text)| Text { file, text }),
        })
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
