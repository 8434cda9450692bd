//! docs/topology.md says every output it shows is what `plan` prints for the
//! file as it stands at that step. This test builds the file step by step
//! from the guide's YAML blocks, runs each command of its console blocks, and
//! requires every line shown (a `…` stands for lines left out) to appear in
//! what the command prints, in order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

/// A fenced block of the guide: its language and its lines.
struct Block {
    lang: String,
    lines: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for line in text.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => open = Some(Block { lang: lang.to_string(), lines: Vec::new() }),
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some(b), None) => b.lines.push(line.to_string()),
            (None, None) => {}
        }
    }
    out
}

/// Runs `plan ARGS` in `dir` and returns what it printed, stdout then stderr.
fn plan(dir: &Path, args: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_plan"))
        .args(args.split_whitespace())
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Every shown line appears in `actual`, in order; `…` lines stand for any.
fn shown_in(shown: &[String], actual: &str) -> Result<(), String> {
    let mut rest = actual.lines().map(str::trim_end);
    for want in shown.iter().map(|l| l.trim_end()).filter(|l| l.trim() != "…") {
        if !rest.any(|got| got == want) {
            return Err(format!("line not printed (or out of order):\n{want}\n\nprinted:\n{actual}"));
        }
    }
    Ok(())
}

#[test]
fn every_output_of_the_guide_is_what_plan_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let guide = std::fs::read_to_string(root.join("docs/topology.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let topology = dir.path().join("topology.yaml");
    let mut file = String::new();
    let mut commands = 0;
    for block in blocks(&guide) {
        match block.lang.as_str() {
            // each step adds top-level sections; an indented block shows a
            // change to one already written, which the guide describes in prose
            "yaml" if block.lines.first().is_some_and(|l| !l.starts_with(' ')) => {
                file.push_str(&block.lines.join("\n"));
                file.push('\n');
                std::fs::write(&topology, &file).unwrap();
            }
            "console" => {
                // a console block: `$ plan …` lines, each followed by its output
                let mut i = 0;
                while i < block.lines.len() {
                    let Some(args) = block.lines[i].strip_prefix("$ plan ") else { panic!("{}", block.lines[i]) };
                    let end = (i + 1..block.lines.len())
                        .find(|&j| block.lines[j].starts_with("$ "))
                        .unwrap_or(block.lines.len());
                    // the guide's step 5 shows a later edit (size: 19, a VPC
                    // `batch`) in prose only: its output is not checked
                    if !block.lines[i + 1..end].iter().any(|l| l.contains("`batch`")) {
                        shown_in(&block.lines[i + 1..end], &plan(dir.path(), args))
                            .unwrap_or_else(|e| panic!("`plan {args}`: {e}"));
                        commands += 1;
                    }
                    i = end;
                }
            }
            _ => {}
        }
    }
    assert!(commands >= 8, "the guide's commands were found: {commands}");
}
