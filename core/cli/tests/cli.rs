//! The `plan` binary end to end: exit codes, formats and the lock file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{plan, scratch, stderr, stdout};

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn example() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/bedrock-privatelink/topology.yaml"))
        .unwrap()
}

#[test]
fn validate_exits_0_on_a_valid_file_and_1_on_findings() {
    let (dir, _) = scratch(&example());
    let ok = plan(&["validate", "topology.yaml"], dir.path());
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("valid: no findings"));

    let (dir, _) = scratch(&example().replace("cidr: 10.10.0.0/16", "cidr: 10.10.0.1/16"));
    let bad = plan(&["validate", "topology.yaml"], dir.path());
    assert_eq!(bad.status.code(), Some(1));
    let out = stdout(&bad);
    assert!(out.contains("LP020") && out.contains("topology.yaml:28:11"), "{out}");
}

#[test]
fn validate_json_is_the_documented_report() {
    let (dir, _) = scratch(&example().replace("region: ap-southeast-1", "region: ap-southeast-9"));
    let o = plan(&["validate", "topology.yaml", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["diagnostics"][0]["code"], "LP013");
    assert_eq!(v["diagnostics"][0]["file"], "topology.yaml");
    assert!(v["diagnostics"][0]["line"].as_u64().unwrap() > 0);
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = plan(&["validate", "nope.yaml"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read nope.yaml"));
    assert_eq!(plan(&["frobnicate"], dir.path()).status.code(), Some(2));
    let (dir, _) = scratch(&example());
    let no_lock = plan(&["show", "topology.yaml", "--lock", "missing.lock.json"], dir.path());
    assert_eq!(no_lock.status.code(), Some(2), "an explicit lock must exist");
}

#[test]
fn show_prints_the_plan_as_json_and_text() {
    let (dir, _) = scratch(&example());
    let o = plan(&["show", "topology.yaml", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["vpcs"]["app-use1"]["cidr"], "10.10.0.0/16");
    let t = plan(&["show", "topology.yaml"], dir.path());
    assert!(stdout(&t).contains("app-use1  10.10.0.0/16"), "{}", stdout(&t));
}

#[test]
fn lock_is_written_once_checked_and_honoured() {
    let (dir, _) = scratch(&example());
    let lock_path = dir.path().join("topology.lock.json");
    let check = plan(&["lock", "topology.yaml", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(1), "a missing lock fails --check");
    assert!(!lock_path.exists());

    let first = plan(&["lock", "topology.yaml"], dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let written = std::fs::read_to_string(&lock_path).unwrap();
    let mtime = std::fs::metadata(&lock_path).unwrap().modified().unwrap();

    let again = plan(&["lock", "topology.yaml"], dir.path());
    assert!(stderr(&again).contains("up to date"));
    assert_eq!(
        std::fs::metadata(&lock_path).unwrap().modified().unwrap(),
        mtime,
        "an up-to-date lock is not rewritten"
    );
    assert_eq!(plan(&["lock", "topology.yaml", "--check"], dir.path()).status.code(), Some(0));

    // a change that would move a locked VPC is refused and the lock kept
    let text = std::fs::read_to_string(dir.path().join("topology.yaml")).unwrap();
    std::fs::write(dir.path().join("topology.yaml"), text.replacen("size: 20", "size: 21", 1)).unwrap();
    let moved = plan(&["lock", "topology.yaml"], dir.path());
    assert_eq!(moved.status.code(), Some(1));
    assert!(stderr(&moved).contains("LP026"));
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), written);
}

#[test]
fn a_corrupt_lock_is_reported_and_never_overwritten() {
    let (dir, _) = scratch(&example());
    let lock_path = dir.path().join("topology.lock.json");
    std::fs::write(&lock_path, "{ \"lockVersion\": 1, ").unwrap();
    let o = plan(&["lock", "topology.yaml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("LP002"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), "{ \"lockVersion\": 1, ");
    let v = plan(&["validate", "topology.yaml"], dir.path());
    assert_eq!(v.status.code(), Some(1));
    assert!(stdout(&v).contains("topology.lock.json:1"), "{}", stdout(&v));
}

#[test]
fn schema_prints_the_committed_schema() {
    let dir = tempfile::tempdir().unwrap();
    let o = plan(&["schema"], dir.path());
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/topology.schema.json")).unwrap();
    assert_eq!(stdout(&o), committed);
}

#[test]
fn every_command_has_help_with_an_example() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["validate", "show", "lock", "explain", "check", "schema", "rules"] {
        let o = plan(&[cmd, "--help"], dir.path());
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains("Example:"), "{cmd}");
    }
}

#[test]
fn explain_prints_the_path_or_the_missing_link() {
    let (dir, _) = scratch(&example());
    let ok = plan(&["explain", "topology.yaml", "app-notebook-apse1", "sts@us-east-1"], dir.path());
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let text = stdout(&ok);
    assert!(text.contains("reachable") && text.contains("security-group") && text.contains("peering"), "{text}");
    // a service it does not need: the network question, answered for its VPC
    let unneeded = plan(&["explain", "topology.yaml", "app-notebook-apse1", "kms"], dir.path());
    assert_eq!(unneeded.status.code(), Some(0), "{}", stderr(&unneeded));
    assert!(stderr(&unneeded).contains("its needs are sts@us-east-1, lambda@us-east-1"), "{}", stderr(&unneeded));
    assert!(stdout(&unneeded).starts_with("workload:app-notebook-apse1 → service:kms: NOT reachable\n"));
    assert!(stdout(&unneeded).contains("no endpoint of `kms` is planned"), "{}", stdout(&unneeded));
    let unknown = plan(&["explain", "topology.yaml", "app-notebook-apse1", "nope"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("`nope` names no workload, VPC, segment or service"), "{}", stderr(&unknown));

    let (dir, _) = scratch(&example().replace("share: [app-apse1]", "share: []"));
    let broken = plan(&["explain", "topology.yaml", "app-notebook-apse1", "sts"], dir.path());
    assert_eq!(broken.status.code(), Some(1));
    assert!(stderr(&broken).contains("LP031"), "{}", stderr(&broken));
}

/// `plan ARGS` with stdout a pipe whose read end is already closed: the
/// first write fails with EPIPE, as under `plan show … | head -1` once
/// `head` has exited.
fn plan_into_closed_pipe(args: &[&str], dir: &Path) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_plan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_output_pipe_ends_quietly_with_exit_0() {
    let (dir, _) = scratch(&example());
    let (bad, _) = scratch(&example().replace("cidr: 10.10.0.0/16", "cidr: 10.10.0.1/16"));
    let cases: [(&[&str], &Path); 8] = [
        (&["show", "topology.yaml"], dir.path()),
        (&["show", "topology.yaml", "--format", "json"], dir.path()),
        (&["validate", "topology.yaml"], dir.path()),
        // findings too: the pipe closed, nobody reads the report
        (&["validate", "topology.yaml", "--format", "json"], bad.path()),
        (&["explain", "topology.yaml", "app-notebook-apse1", "sts"], dir.path()),
        (&["schema", "--plan"], dir.path()),
        (&["rules"], dir.path()),
        (&["rules", "--markdown"], dir.path()),
    ];
    for (args, dir) in cases {
        let o = plan_into_closed_pipe(args, dir);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
}

#[test]
fn a_pipe_closed_after_one_line_ends_quietly() {
    // the plan's schema is read one line, then the pipe is dropped while
    // `plan` may still be writing
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_plan"))
        .args(["schema", "--plan"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    std::io::BufRead::read_line(&mut out, &mut first).unwrap();
    assert_eq!(first, "{\n");
    drop(out);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

#[test]
fn rules_lists_every_rule_and_prints_one_page() {
    let dir = tempfile::tempdir().unwrap();
    let list = plan(&["rules"], dir.path());
    assert_eq!(list.status.code(), Some(0));
    let text = stdout(&list);
    assert_eq!(text.lines().count(), linkplan_core::rules::ALL.len(), "{text}");
    assert!(text.lines().all(|l| l.starts_with("LP")), "{text}");
    assert!(text.contains("LP022  error    two CIDRs overlap where they must not\n"), "{text}");
    assert!(text.contains("LP027  warning  "), "{text}");

    let page = plan(&["rules", "lp022"], dir.path());
    assert_eq!(page.status.code(), Some(0));
    assert_eq!(stdout(&page), linkplan_core::Rule::Lp022.info().to_text());
    assert!(stdout(&page).starts_with("LP022 (error): two CIDRs overlap"), "{}", stdout(&page));

    let unknown = plan(&["rules", "LP999"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(stdout(&unknown), "");
    let message = stderr(&unknown);
    assert!(message.starts_with("error: no rule `LP999`; the rules are LP000, LP001, LP002,"), "{message}");
    assert!(message.contains("LP060"), "{message}");

    let markdown = plan(&["rules", "--markdown"], dir.path());
    assert_eq!(markdown.status.code(), Some(0));
    assert_eq!(stdout(&markdown), linkplan_core::rules::markdown());
    assert_eq!(plan(&["rules", "LP022", "--markdown"], dir.path()).status.code(), Some(2));
}

#[test]
fn docs_rules_md_is_generated_from_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == linkplan_core::rules::markdown(),
        "docs/rules.md is out of date; regenerate it: cargo run -p linkplan-cli -- rules --markdown > docs/rules.md"
    );
}

#[test]
fn show_prints_the_transit_tables_and_the_isolation_verdicts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/rules");
    let out = plan(&["show", "LP070-ok-bank-layout-isolated.yaml"], &root);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    // a hub's table routes to exactly what it serves; the segments are proved apart
    let hub = text.lines().find(|l| l.trim_start().starts_with("tgw/eu-central-1/hub-hub-prod-euc1")).unwrap();
    assert!(hub.ends_with("for hub-prod-euc1  routes to payments-euc1"), "{hub}");
    assert!(text.contains("\nisolation\n  isolated segment:non-prod and segment:prod\n"), "{text}");
    assert!(text.contains("  isolated segment:non-prod and bedrock-runtime in segment:prod\n"), "{text}");
}

#[test]
fn explain_answers_between_segments_vpcs_and_services() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/rules");
    let bank = "LP070-ok-bank-layout-isolated.yaml";
    let apart = plan(&["explain", bank, "segment:non-prod", "prod"], &root);
    assert_eq!(apart.status.code(), Some(0), "{}", stderr(&apart));
    let text = stdout(&apart);
    assert!(text.starts_with("segment:non-prod → segment:prod: NOT reachable\n"), "{text}");
    assert!(text.contains("does not let `non-prod` reach `prod`"), "{text}");
    assert!(text.contains("isolation proof (segment:non-prod and segment:prod): isolated"), "{text}");

    let own = plan(&["explain", bank, "sandbox-euc1", "bedrock-runtime@eu-central-1"], &root);
    let text = stdout(&own);
    assert!(text.starts_with("vpc:sandbox-euc1 → service:bedrock-runtime@eu-central-1: reachable\n"), "{text}");
    assert!(text.contains("the security group of `hub-dev-euc1/bedrock-runtime` admits"), "{text}");
    let prods = plan(&["explain", bank, "sandbox-euc1", "hub-prod-euc1"], &root);
    assert!(stdout(&prods).starts_with("vpc:sandbox-euc1 → vpc:hub-prod-euc1: NOT reachable\n"), "{}", stdout(&prods));
    assert!(stdout(&prods).contains("none of `sandbox-euc1`'s routes covers `hub-prod-euc1`"), "{}", stdout(&prods));

    // a stated exception is named where it opens a path
    let served = plan(&["explain", "LP071-ok-serves-exception.yaml", "sandbox", "hub-prod"], &root);
    let text = stdout(&served);
    assert!(text.starts_with("vpc:sandbox → vpc:hub-prod: reachable\n"), "{text}");
    assert!(
        text.contains("as the topology states: hub `hub-prod` (segment `prod`) serves segment `non-prod`"),
        "{text}"
    );

    // a service does not call; a typo gets a suggestion
    let backwards = plan(&["explain", bank, "bedrock-runtime", "sandbox-euc1"], &root);
    assert_eq!(backwards.status.code(), Some(2));
    assert!(stderr(&backwards).contains("is a service; FROM is what calls"), "{}", stderr(&backwards));
    let typo = plan(&["explain", bank, "sandbx-euc1", "prod"], &root);
    assert!(stderr(&typo).contains("did you mean `sandbox-euc1`?"), "{}", stderr(&typo));
}

#[test]
fn show_prints_the_dns_pieces_with_the_resolver_ips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/rules");
    let text = std::fs::read_to_string(root.join("LP070-ok-bank-layout-isolated.yaml")).unwrap();
    let (dir, _) = scratch(&text.replace("dns: { mode: profile }", "dns: { mode: resolver }"));
    let out = stdout(&plan(&["show", "topology.yaml"], dir.path()));
    assert!(out.contains("\ndns (resolver: "), "{out}");
    let inbound = out.lines().find(|l| l.trim_start().starts_with("resolver hub-dev-euc1/inbound")).unwrap();
    let ips: Vec<&str> = inbound.split_whitespace().skip(2).collect();
    assert_eq!(ips.len(), 2, "{inbound}");
    // the rule names the inbound IPs it forwards to, and the consumers it serves
    let rule = out
        .lines()
        .find(|l| l.contains("rule") && l.contains("sts.eu-central-1.amazonaws.com") && l.contains("hub-dev-euc1"))
        .unwrap();
    assert!(rule.contains(&format!("to hub-dev-euc1/inbound ({}", ips.join(" "))), "{rule}\n{inbound}");
    assert!(rule.ends_with("associated with sandbox-euc1"), "{rule}");
    let (dir, _) = scratch(&text);
    let out = stdout(&plan(&["show", "topology.yaml"], dir.path()));
    assert!(
        out.contains(
            "profile  bank-layout-network-eu-central-1-prod        0 zones and 2 endpoints, associated with payments-euc1"
        ),
        "{out}"
    );
}

/// `plan validate FILE --format json` in `dir` with its address space
/// limited to 1 GiB (`ulimit -v`, through sh), so that an input that makes it
/// allocate past that aborts it instead of the machine.
fn validate_limited(file: &str, dir: &Path) -> Output {
    Command::new("sh")
        .args(["-c", "ulimit -v 1048576 && exec \"$0\" validate \"$1\" --format json"])
        .arg(env!("CARGO_BIN_EXE_plan"))
        .arg(file)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The first diagnostic of a JSON report.
fn first_diagnostic(o: &Output) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(o)));
    v["diagnostics"][0].clone()
}

#[test]
fn hostile_input_is_an_lp001_under_a_memory_limit_never_a_signal() {
    use std::fmt::Write as _;
    use std::os::unix::process::ExitStatusExt;
    // the limit holds: a shell under it cannot allocate 2 GiB
    let probe = Command::new("sh").args(["-c", "ulimit -v 1048576 && ulimit -v"]).output().expect("sh runs ulimit -v");
    assert_eq!(stdout(&probe).trim(), "1048576");

    // 1.3 MB that nests ten aliases a level: 10 GB expanded, few nodes
    let mut nested = format!("a0: &a0 [{}]\n", vec!["x".repeat(130_000); 10].join(", "));
    for i in 1..6 {
        writeln!(nested, "a{i}: &a{i} [{}]", vec![format!("*a{}", i - 1); 10].join(", ")).unwrap();
    }
    assert!((1_290_000..1_400_000).contains(&nested.len()), "{}", nested.len());
    // one 1 MB string, aliased 10,000 times; and a billion laughs of nodes
    let long = format!("s: &s \"{}\"\nl: [{}]\n", "y".repeat(1 << 20), vec!["*s"; 10_000].join(", "));
    let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        writeln!(laughs, "a{i}: &a{i} [{}]", vec![format!("*a{}", i - 1); 10].join(", ")).unwrap();
    }
    // nesting far deeper than a stack holds, as blocks and as mappings
    let deep = "- ".repeat(200_000) + "x\n";
    let deep_map: String = (0..5_000).map(|i| " ".repeat(i) + "k:\n").collect();
    let cases = [
        (&nested, "aliases expand this document past 67,108,864 bytes"),
        (&long, "aliases expand this document past 67,108,864 bytes"),
        (&laughs, "aliases expand this document past 2,000,000 nodes"),
        (&deep, "more than 64 levels deep"),
        (&deep_map, "more than 64 levels deep"),
    ];
    for (text, expected) in cases {
        let (dir, _) = scratch(text);
        let o = validate_limited("topology.yaml", dir.path());
        assert_eq!(o.status.signal(), None, "killed by a signal: {}", stderr(&o));
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let d = first_diagnostic(&o);
        assert_eq!(d["code"], "LP001", "{d}");
        assert!(d["message"].as_str().unwrap().contains(expected), "{d}");
        assert!(d["line"].as_u64().unwrap() >= 1, "{d}");
    }
}

#[test]
fn a_file_past_the_size_limit_is_an_lp001_naming_both_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("big.yaml")).unwrap();
    // sparse: 70 MB of zero bytes that take no disk
    f.set_len(70_000_000).unwrap();
    let o = validate_limited("big.yaml", dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let d = first_diagnostic(&o);
    assert_eq!(d["code"], "LP001");
    assert_eq!(d["file"], "big.yaml");
    assert_eq!(
        d["message"],
        "the file is 70,000,000 bytes; the limit is 67,108,864 bytes (64 MiB), and nothing past it is read"
    );
}

#[test]
fn invalid_utf8_is_an_lp001_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.yaml"), b"apiVersion: linkplan/v1alpha1\nname: \"\xc3\xa9a\xffb\"\n").unwrap();
    let o = plan(&["validate", "t.yaml", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let d = first_diagnostic(&o);
    assert_eq!((d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64()), (Some("LP001"), Some(2), Some(10)));
    assert_eq!(d["offset"], 40, "the byte offset of 0xff (é is two bytes, one column)");
    let text = plan(&["validate", "t.yaml"], dir.path());
    assert_eq!(text.status.code(), Some(1));
    assert!(stdout(&text).contains("t.yaml:2:10]"), "the frame counts characters too: {}", stdout(&text));
    // a lock that is not UTF-8 is refused too, and the topology is not planned
    let (dir, _) = scratch(&example());
    std::fs::write(dir.path().join("topology.lock.json"), b"{\"lockVersion\": 1, \xfe}").unwrap();
    let o = plan(&["show", "topology.yaml", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let d = first_diagnostic(&o);
    assert_eq!((d["code"].as_str(), d["file"].as_str()), (Some("LP001"), Some("topology.lock.json")));
}

/// `plan ARGS` with `input` on standard input.
fn plan_stdin(args: &[&str], input: &str, dir: &Path) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_plan"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // a command that refuses to read (`lock -`) closes the pipe early
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn dash_reads_the_topology_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let ok = plan_stdin(&["validate", "-"], &example(), dir.path());
    assert_eq!((ok.status.code(), stdout(&ok).trim()), (Some(0), "valid: no findings"), "{}", stderr(&ok));
    let show = plan_stdin(&["show", "-", "--format", "json"], &example(), dir.path());
    let v: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(v["vpcs"]["app-use1"]["cidr"], "10.10.0.0/16");
    let explain = plan_stdin(&["explain", "-", "app-notebook-apse1", "sts"], &example(), dir.path());
    assert!(stdout(&explain).starts_with("app-notebook-apse1 needs sts"), "{}", stdout(&explain));
    let bad = example().replace("cidr: 10.10.0.0/16", "cidr: 10.10.0.1/16");
    let check = plan_stdin(&["check", "-"], &bad, dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(stdout(&check).contains("<stdin>:28:11"), "{}", stdout(&check));
    // a lock beside standard input does not exist: none is read, none written
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn lock_from_standard_input_needs_an_explicit_lock_path() {
    let dir = tempfile::tempdir().unwrap();
    let o = plan_stdin(&["lock", "-"], &example(), dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give `--lock PATH`"), "{}", stderr(&o));
    // with `--lock`, the lock of the file is checked and kept from stdin
    let (dir, _) = scratch(&example());
    assert_eq!(plan(&["lock", "topology.yaml"], dir.path()).status.code(), Some(0));
    let o = plan_stdin(&["lock", "-", "--lock", "topology.lock.json", "--check"], &example(), dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("topology.lock.json is up to date"), "{}", stderr(&o));
    let moved = example().replace("cidr: 10.10.0.0/16", "cidr: 10.20.0.0/16");
    let o = plan_stdin(&["lock", "-", "--lock", "topology.lock.json", "--check"], &moved, dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn text_shows_at_most_max_findings_and_json_all() {
    use std::fmt::Write as _;
    let mut vpcs = String::new();
    for i in 0..120 {
        writeln!(vpcs, "  v{i}: {{ account: app, region: us-east-1, cidr: 10.{i}.0.1/24, azs: [use1-az1] }}").unwrap();
    }
    let text = example().replace("vpcs:\n", &format!("vpcs:\n{vpcs}"));
    let (dir, _) = scratch(&text);
    let count = |out: &str| out.matches("has host bits set").count();
    let default = plan(&["validate", "topology.yaml"], dir.path());
    assert_eq!(default.status.code(), Some(1));
    let out = stdout(&default);
    assert_eq!(count(&out), 100);
    let more = out.lines().find(|l| l.starts_with("… and ")).unwrap();
    let rest: usize = more.trim_start_matches("… and ").split(' ').next().unwrap().parse().unwrap();
    let summary = out.lines().last().unwrap();
    let total: usize = summary.trim_start_matches("invalid: ").split(' ').next().unwrap().parse().unwrap();
    assert_eq!(rest + 100, total, "{more}\n{summary}");
    assert_eq!(count(&stdout(&plan(&["check", "topology.yaml", "--max-findings", "3"], dir.path()))), 3);
    assert_eq!(count(&stdout(&plan(&["validate", "topology.yaml", "--max-findings", "0"], dir.path()))), 120);
    // show prints its diagnostics on stderr, as many
    assert_eq!(count(&stderr(&plan(&["show", "topology.yaml", "--max-findings", "7"], dir.path()))), 7);
    let json = plan(&["validate", "topology.yaml", "--format", "json", "--max-findings", "3"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let lp020 = v["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "LP020").count();
    assert_eq!(lp020, 120, "JSON lists every finding");
}
