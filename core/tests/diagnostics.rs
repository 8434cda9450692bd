#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A file of many mistakes, reported at once, as text and as JSON, and JSON
//! input read like YAML. Each rule's own cases, with the line each finding
//! belongs to, are the fixtures of `tests/rules/` (`tests/rules.rs`).

mod common;
use common::*;
use linkplan_core::render::{self, JsonReport, TextStyle};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn every_mistake_of_a_file_is_reported_at_once_in_line_order() {
    let text = fixture("many-mistakes.yaml");
    let o = run(&text);
    assert!(!o.is_valid());
    assert!(o.plan.is_none());
    let got: Vec<(String, usize)> = o.diagnostics.iter().map(|d| (d.code.clone(), d.line)).collect();
    let expected: Vec<(String, usize)> = [
        ("LP012", 4),
        ("LP013", 16),
        ("LP010", 18),
        ("LP020", 20),
        ("LP013", 24),
        ("LP022", 35),
        ("LP023", 40),
        ("LP021", 45),
        ("LP025", 52),
        ("LP024", 56),
        ("LP010", 61),
        ("LP010", 64),
        ("LP001", 65),
        ("LP011", 67),
        ("LP010", 68),
        ("LP010", 69),
        ("LP013", 76),
        ("LP011", 77),
        ("LP014", 82),
    ]
    .iter()
    .map(|(c, l)| ((*c).to_owned(), *l))
    .collect();
    assert_eq!(got, expected);
    // every diagnostic names what was found and has a hint
    for d in &o.diagnostics {
        assert!(d.hint.is_some(), "{d:?}");
        // and points at some text of the file
        assert!(d.length > 0 && d.offset + d.length <= text.len(), "{d:?}");
    }
}

#[test]
fn rendered_text_is_reviewed() {
    let text = fixture("many-mistakes.yaml");
    let o = run(&text);
    let sources = [("topology.yaml", text.as_str())];
    insta::assert_snapshot!(render::render_all_text(&o.diagnostics, &sources[..], TextStyle::default()));
}

#[test]
fn json_report_has_the_documented_fields() {
    let text = fixture("many-mistakes.yaml");
    let o = run(&text);
    let v = serde_json::to_value(JsonReport::new(&o.diagnostics)).unwrap();
    assert_eq!(v["valid"], false);
    let first = &v["diagnostics"][0];
    for field in
        ["code", "severity", "message", "file", "line", "column", "hint", "endLine", "endColumn", "offset", "length"]
    {
        assert!(first.get(field).is_some(), "missing {field} in {first}");
    }
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "topology.yaml");
}

#[test]
fn json_input_gets_the_same_diagnostics_as_yaml() {
    let yaml = with_vpcs("  v: { account: a, region: us-east-1, cidr: 10.1.2.3/16, azs: 1 }\n");
    let json = r#"{
  "apiVersion": "linkplan/v1alpha1",
  "name": "t",
  "accounts": { "a": { "id": "111111111111" } },
  "vpcs": {
    "v": { "account": "a", "region": "us-east-1", "cidr": "10.1.2.3/16", "azs": 1 }
  }
}
"#;
    assert_eq!(codes(&run(&yaml)), codes(&run(json)));
    let d = &run(json).diagnostics[0];
    assert_eq!((d.line, d.column), (6, 59)); // the opening quote of the value
}

#[test]
fn bytes_that_are_not_utf8_are_an_lp001_at_the_first_invalid_byte() {
    let refused = linkplan_core::decode("t.yaml", b"a: 1\nb: \"\xc3\xa9\xff\"\n".to_vec(), None).unwrap_err();
    let d = &refused.diagnostic;
    assert_eq!((d.code.as_str(), d.line, d.column, d.offset, d.length), ("LP001", 2, 6, 11, 1));
    assert_eq!(d.file, "t.yaml");
    // the frame's text: the bytes with the invalid one replaced
    assert_eq!(refused.text, "a: 1\nb: \"é\u{fffd}\"\n");
    assert_eq!(linkplan_core::decode("t.yaml", b"a: 1\n".to_vec(), Some(5)).unwrap(), "a: 1\n");
}

#[test]
fn bytes_past_the_size_limit_are_an_lp001_without_their_text() {
    let limit = linkplan_core::source::MAX_INPUT_BYTES;
    let refused = linkplan_core::decode("t.yaml", vec![b' '; limit + 1], None).unwrap_err();
    assert_eq!(refused.diagnostic.code, "LP001");
    assert_eq!(
        refused.diagnostic.message,
        "the file is larger than 67,108,864 bytes (64 MiB), the limit; nothing past it is read"
    );
    assert!(refused.text.is_empty());
    let known = linkplan_core::decode("t.yaml", vec![b' '; limit + 1], Some(80_000_000)).unwrap_err();
    assert!(known.diagnostic.message.starts_with("the file is 80,000,000 bytes;"), "{}", known.diagnostic.message);
    // exactly the limit is read
    assert!(linkplan_core::decode("t.yaml", vec![b' '; limit], None).is_ok());
}
