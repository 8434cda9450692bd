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

/// One line per `i`, each ending in `\n`.
fn lines(range: std::ops::Range<usize>, line: impl Fn(usize) -> String) -> String {
    range.map(line).fold(String::new(), |mut s, l| {
        s.push_str(&l);
        s.push('\n');
        s
    })
}

fn render_one(text: &str) -> (linkplan_core::Outcome, String) {
    let o = run(text);
    let sources = [("topology.yaml", text)];
    let out = render::render_all_text(&o.diagnostics, &sources[..], TextStyle::default());
    (o, out)
}

#[test]
fn a_long_line_is_clipped_around_the_span_in_its_frame() {
    // a 200 KB line: the bad CIDR 100,000 columns along it, a long comment after it
    let text = with_vpcs("").replace(
        "vpcs:\n",
        &format!(
            "vpcs: {{{}bad: {{ account: a, region: us-east-1, cidr: 10.0.0.1/24, azs: [use1-az1] }} }}  # {}\n",
            " ".repeat(100_000),
            "x".repeat(100_000)
        ),
    );
    assert!(text.lines().any(|l| l.len() > 200_000));
    let (o, out) = render_one(&text);
    let d = o.diagnostics.iter().find(|d| d.code == "LP020").unwrap();
    // the header names the file's column, not the clipped one
    assert!(out.contains(&format!("topology.yaml:{}:{}]", d.line, d.column)), "{out}");
    assert_eq!(o.diagnostics.len(), 1, "{out}");
    let frame_line = out.lines().find(|l| l.contains("cidr: 10.0.0.1/24")).unwrap();
    assert!(frame_line.chars().count() <= render::MAX_LINE_CHARS + 12, "{}", frame_line.len());
    assert!(frame_line.contains(" │ …") && frame_line.ends_with('…'), "{frame_line}");
    // the underline still stands under the CIDR
    let underline = out.lines().skip_while(|l| !l.contains("cidr: 10.0.0.1/24")).nth(1).unwrap();
    let at = frame_line.find("10.0.0.1/24").unwrap();
    let col = frame_line[..at].chars().count();
    assert_eq!(underline.chars().position(|c| c == '─'), Some(col), "{frame_line}\n{underline}");
    assert!(out.len() < 5_000, "{} bytes", out.len());
}

#[test]
fn a_frame_shows_each_label_with_its_context_not_the_lines_between() {
    let filler = lines(0..40, |i| format!("  f{i}: {{ account: a, region: us-east-1, size: 24, azs: [use1-az1] }}"));
    let text = with_vpcs(&format!(
        "  v: {{ account: a, region: us-east-1, size: 24, azs: [use1-az1] }}\n{filler}  v: {{ account: a, region: us-east-1, size: 24, azs: [use1-az1] }}\n"
    ));
    let o = run(&text);
    let d = o.diagnostics.iter().find(|d| d.code == "LP011").unwrap();
    let out = render::render_text(d, &[("topology.yaml", text.as_str())][..], TextStyle::default());
    assert_eq!(d.related.len(), 1);
    // lines 7..=9 around the first `v`, 48..=50 around the second, and nothing of the 40 between
    let shown: Vec<usize> =
        out.lines().filter_map(|l| l.split_once('│')).filter_map(|(n, _)| n.trim().parse().ok()).collect();
    assert_eq!(shown, [7, 8, 9, 48, 49, 50], "{out}");
    assert!(out.contains("first defined here"));
}

#[test]
fn columns_of_frames_count_characters_as_the_json_does() {
    let text = with_vpcs("  é: { account: a, region: us-east-1, cidr: 10.0.0.1/24, azs: [use1-az1] }\n");
    let (o, out) = render_one(&text);
    let d = o.diagnostics.iter().find(|d| d.code == "LP020").unwrap();
    // miette counted bytes: é made it 8:46
    assert_eq!((d.line, d.column), (8, 45));
    assert!(out.contains("topology.yaml:8:45]"), "{out}");
}

#[test]
fn text_shows_the_first_findings_and_how_many_more() {
    let vpcs =
        lines(0..30, |i| format!("  v{i}: {{ account: a, region: us-east-1, cidr: 10.0.{i}.1/24, azs: [use1-az1] }}"));
    let text = with_vpcs(&vpcs);
    let o = run(&text);
    assert_eq!(o.diagnostics.len(), 30);
    let sources = [("topology.yaml", text.as_str())];
    let r = render::renderer_for(&o.diagnostics, &sources[..]);
    let out = r.render_all(&o.diagnostics, TextStyle::default(), Some(5));
    assert_eq!(out.matches("LP020 (").count(), 5);
    assert!(out.contains("`10.0.4.1/24` has host bits") && !out.contains("`10.0.5.1/24` has host bits"));
    assert!(out.contains("… and 25 more findings ("), "{out}");
    assert!(out.ends_with("invalid: 30 errors, 0 warnings\n"), "{out}");
    let all = r.render_all(&o.diagnostics, TextStyle::default(), None);
    assert_eq!(all.matches("LP020 (").count(), 30);
    assert!(!all.contains("more finding"));
    assert_eq!(all, render::render_all_text(&o.diagnostics, &sources[..], TextStyle::default()));
}

#[test]
fn any_span_renders_without_panic() {
    let text = "a: é\r\nbb: [1,\n  2]\n\nlast";
    let sources = [("t.yaml", text)];
    let mut d = run(text).diagnostics.into_iter().next().unwrap();
    d.file = "t.yaml".into();
    for offset in 0..=text.len() + 2 {
        for length in [0, 1, 2, 3, 7, 100] {
            d.offset = offset;
            d.length = length;
            d.related = vec![linkplan_core::diagnostic::RelatedLocation {
                message: "other".into(),
                line: 1,
                column: 1,
                offset: text.len() - offset.min(text.len()),
                length,
            }];
            let out = render::render_text(&d, &sources[..], TextStyle::default());
            assert!(out.contains("╭─[t.yaml:"), "{offset} {length}: {out}");
        }
    }
}
