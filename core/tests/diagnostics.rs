#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every rule code, on the line it belongs to, and the rendered text.

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

/// One small case per rule: (code, line, topology).
#[test]
fn each_rule_points_at_its_line() {
    let cases: Vec<(&str, usize, String)> = vec![
        ("LP001", 2, "{ not yaml: [\n".to_owned()), // the end of the text
        (
            "LP001",
            11,
            with_vpcs("  v: { account: a, region: us-east-1, size: 20, azs: 1 }\nfoo: 1\n").replace("foo", "\n\nfoo"),
        ),
        ("LP001", 8, with_vpcs("  v: { account: a, region: us-east-1, azs: 1 }\n")),
        (
            "LP011",
            9,
            with_vpcs(
                "  v: { account: a, region: us-east-1, size: 20, azs: 1 }\n  v: { account: a, region: us-east-1, size: 20, azs: 1 }\n",
            ),
        ),
        ("LP012", 4, with_vpcs("").replace("\"111111111111\"", "111111111111")),
        ("LP013", 8, with_vpcs("  v: { account: a, region: us-east-1, size: 20, azs: 7 }\n")),
        ("LP013", 8, with_vpcs("  v: { account: a, region: us-east-1, size: 20, azs: [us-east-1a] }\n")),
        ("LP020", 8, with_vpcs("  v: { account: a, region: us-east-1, cidr: 10.1.2.3/16, azs: 1 }\n")),
        ("LP021", 8, with_vpcs("  v: { account: a, region: us-east-1, cidr: 10.0.0.0/12, azs: 1 }\n")),
        (
            "LP021",
            8,
            with_vpcs("  v: { account: a, region: us-east-1, cidr: 10.0.0.0/16, azs: 1, subnets: { workload: 29 } }\n"),
        ),
        (
            "LP023",
            9,
            with_vpcs(
                "  v: { account: a, region: us-east-1, size: 16, azs: 1 }\n  w: { account: a, region: us-east-1, size: 28, azs: 1 }\n",
            ),
        ),
        ("LP024", 8, with_vpcs("  v: { account: a, region: us-east-1, size: 28, azs: 2 }\n")),
        (
            "LP025",
            8,
            with_vpcs(
                "  v: { account: a, region: us-east-1, size: 24, azs: 1, subnets: { endpoints: 28 } }\nendpoints:\n  - { vpc: v, services: [sts, logs, ssm, ssmmessages, ec2messages, kms, ecr.api, ecr.dkr, lambda, secretsmanager, monitoring, ec2] }\n",
            ),
        ),
    ];
    for (code, line, text) in cases {
        let o = run(&text);
        let found = o.diagnostics.iter().find(|d| d.code == code);
        let d = found.unwrap_or_else(|| panic!("{code} not found for:\n{text}\ngot {:?}", o.diagnostics));
        assert_eq!(d.line, line, "{code} on the wrong line: {d:?}\n{text}");
    }
}

#[test]
fn overlaps_only_matter_between_vpcs_that_can_route() {
    let isolated = with_vpcs(
        "  v: { account: a, region: us-east-1, cidr: 172.16.0.0/16, azs: 1 }\n  w: { account: a, region: us-east-1, cidr: 172.16.0.0/20, azs: 1 }\n",
    );
    assert!(run(&isolated).is_valid(), "{:?}", run(&isolated).diagnostics);
    let attached = format!("{isolated}transit: {{ mode: transit-gateway, owner: a, attach: [v, w] }}\n");
    let o = run(&attached);
    assert_eq!(codes(&o), ["LP022"]);
    assert_eq!(o.diagnostics[0].related.len(), 1);
    // different segments that do not reach each other may overlap
    let segmented = attached.replace("cidr: 172.16.0.0/16, azs: 1 }", "cidr: 172.16.0.0/16, azs: 1, segment: prod }");
    assert!(run(&segmented).is_valid(), "{:?}", run(&segmented).diagnostics);
    // unless transit.segments lets them reach each other
    let plain = format!(
        "{}transit:\n  mode: transit-gateway\n  owner: a\n  attach: [v, w]\n  segments:\n    prod: {{ reaches: [default] }}\n",
        with_vpcs(
            "  v: { account: a, region: us-east-1, cidr: 172.16.0.0/16, azs: 1, segment: prod }\n  w: { account: a, region: us-east-1, cidr: 172.16.0.0/20, azs: 1 }\n"
        )
    );
    assert_eq!(codes(&run(&plain)), ["LP022"]);
}

#[test]
fn fixed_vpcs_inside_one_pool_must_not_overlap() {
    let t = with_vpcs(
        "  v: { account: a, region: us-east-1, cidr: 10.0.0.0/20, azs: 1 }\n  w: { account: a, region: us-east-1, cidr: 10.0.8.0/21, azs: 1 }\n",
    );
    let o = run(&t);
    assert_eq!(codes(&o), ["LP022"]);
    assert!(o.diagnostics[0].message.contains("both are in pool 10.0.0.0/16"), "{}", o.diagnostics[0].message);
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
fn warnings_do_not_make_a_topology_invalid() {
    let t = with_vpcs("  v: { account: a, region: us-east-1, size: 20, azs: 1 }\n");
    let lock = r#"{ "lockVersion": 1, "topology": "t", "vpcs": {} }"#;
    let o = run_locked(&t, lock);
    assert_eq!(codes(&o), ["LP027"]);
    assert!(o.is_valid());
    assert!(o.plan.is_some());
}
