//! What the CLI's end-to-end tests share: running the binary, its output as
//! text, and a scratch directory holding a topology.
#![allow(dead_code, reason = "each test file uses some of these")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `plan ARGS` in `dir`, without colours.
pub fn plan(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plan")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory holding `topology.yaml`.
pub fn scratch(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("topology.yaml");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}
