//! `plan rules`: the rule registry, as a list, one rule's page, or the
//! Markdown of docs/rules.md.

use crate::error::{CliError, CliResult, Exit};
use crate::output::Output;
use linkplan_core::Severity;
use linkplan_core::rules::{self, Rule};
use std::fmt::Write as _;

/// List the rules, or print one rule's explanation and example.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  plan rules\n  plan rules LP022\n  plan rules --markdown > docs/rules.md   # regenerate the rules' documentation"
)]
pub struct Args {
    /// A rule's code (`LP022`, any case). Without it, every rule, one a line.
    pub code: Option<String>,
    /// Every rule with its explanation and example, as Markdown
    /// (docs/rules.md).
    #[arg(long, conflicts_with = "code")]
    pub markdown: bool,
}

pub fn exec(args: &Args, out: &mut Output) -> CliResult {
    let text = match (&args.code, args.markdown) {
        (_, true) => rules::markdown(),
        (Some(code), false) => page(code)?,
        (None, false) => list(),
    };
    out.out(&text)?;
    Ok(Exit::Ok)
}

/// `LP022  error    two CIDRs overlap where they must not`, one rule a line.
fn list() -> String {
    let mut s = String::new();
    for r in rules::ALL {
        let _ = writeln!(s, "{}  {:<7}  {}", r.code, severity(r.severity), r.title);
    }
    s
}

fn page(code: &str) -> Result<String, CliError> {
    let Some(rule) = Rule::from_code(code) else {
        let codes: Vec<&str> = rules::ALL.iter().map(|r| r.code).collect();
        return Err(CliError::usage(format!("no rule `{code}`; the rules are {}", codes.join(", "))));
    };
    Ok(rule.info().to_text())
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_one_line_per_rule() {
        let list = list();
        assert_eq!(list.lines().count(), rules::ALL.len());
        assert!(list.contains("LP027  warning  an allocation is not in the lock file yet\n"), "{list}");
    }

    #[test]
    fn a_page_is_found_in_any_case_and_an_unknown_code_names_the_known_ones() {
        assert_eq!(page("lp022").ok(), Some(Rule::Lp022.info().to_text()));
        let e = page("LP999").err().map(|e| (e.code, e.message));
        let Some((Exit::Usage, Some(message))) = e else { panic!("{e:?}") };
        assert!(message.starts_with("no rule `LP999`; the rules are LP000, LP001,"), "{message}");
    }
}
