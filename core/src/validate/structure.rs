//! LP001 and the range rules: the document checked against the topology's
//! JSON Schema (`schema.rs`), every error at once.
//!
//! The same schema is the one committed for editors, so an editor and the
//! CLI agree on what is well-formed. Unknown fields are dropped after being
//! reported, so that the semantic checks still run on the rest of the file.

use super::schema::{self, SchemaError};
use crate::diagnostic::{Finding, Rule};
use crate::source::Pointer;
use crate::suggest;
use serde_json::Value;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The outcome of the structural check.
pub struct Structure {
    pub findings: Vec<Finding>,
    /// True when the value can be read into the spec types (only unknown
    /// fields, which have been removed, or range errors were found).
    pub readable: bool,
}

fn topology_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(crate::spec::json_schema)
}

/// Checks `value` against the schema; removes unknown fields from it.
pub fn check(value: &mut Value) -> Structure {
    let mut state = State { findings: Vec::new(), readable: true, unknown: Vec::new() };
    for error in schema::validate(topology_schema(), value) {
        handle(&error, value, &mut state);
    }
    let State { findings, readable, unknown } = state;
    for (parent, name) in unknown {
        if let Some(Value::Object(m)) = value.pointer_mut(&parent) {
            m.remove(&name);
        }
    }
    Structure { findings, readable }
}

struct State {
    findings: Vec<Finding>,
    readable: bool,
    unknown: Vec<(String, String)>,
}

/// Turns one schema error into findings (descending into alternatives).
fn handle(error: &SchemaError, document: &Value, st: &mut State) {
    let path = Pointer::from_raw(error.path());
    let instance = document.pointer(error.path()).unwrap_or(&Value::Null);
    match error {
        SchemaError::AdditionalProperties { unexpected, allowed, .. } => {
            for name in unexpected {
                let at = path.key(name);
                let mut f = Finding::at_key(
                    Rule::Lp001,
                    &at,
                    format!(
                        "unknown field `{name}` in {}; expected one of {}",
                        describe_path(&path),
                        suggest::list(allowed, 12)
                    ),
                );
                f = f.hint(
                    suggest::hint_for(name, allowed.iter().map(String::as_str))
                        .unwrap_or_else(|| "remove it; `plan schema` prints every field the spec knows".to_owned()),
                );
                st.findings.push(f);
                st.unknown.push((path.as_str().to_owned(), name.clone()));
            }
        }
        SchemaError::Required { property, .. } => {
            st.readable = false;
            st.findings.push(
                Finding::at_key(Rule::Lp001, &path, format!("missing field `{property}` in {}", describe_path(&path)))
                    .hint(format!("add `{property}:`")),
            );
        }
        SchemaError::Type { expected, .. } => {
            st.readable = false;
            let expected = expected.iter().map(|t| article(t)).collect::<Vec<_>>().join(" or ");
            st.findings.push(type_finding(&path, instance, &expected));
        }
        SchemaError::Enum { options, .. } => {
            st.readable = false;
            let names: Vec<String> = options.iter().map(plain).collect();
            let found = plain(instance);
            let mut f = Finding::at(
                Rule::Lp001,
                &path,
                format!("{} is `{found}`; expected {}", describe_path(&path), suggest::list(&names, 12)),
            );
            f = f.hint(
                suggest::hint_for(&found, names.iter().map(String::as_str))
                    .unwrap_or_else(|| "use one of the values listed".to_owned()),
            );
            st.findings.push(f);
        }
        SchemaError::NoAlternative { alternatives, .. } => {
            st.readable = false;
            // the alternative whose type matched explains the error best
            let same_place_type_error = |errs: &Vec<SchemaError>| {
                errs.iter().any(|e| {
                    e.path() == path.as_str()
                        && matches!(e, SchemaError::Type { .. } | SchemaError::NoAlternative { .. })
                })
            };
            match alternatives.iter().find(|errs| !errs.is_empty() && !same_place_type_error(errs)) {
                Some(errs) => {
                    for e in errs {
                        handle(e, document, st);
                    }
                }
                None => st.findings.push(type_finding(&path, instance, expected_alternatives(&path))),
            }
        }
        SchemaError::Range { limit, .. } => {
            let (rule, expected) = range_rule(&path);
            let found = plain(instance);
            // values beyond the Rust field's range cannot be read at all
            if instance.as_u64().is_none_or(|v| v > u64::from(u32::MAX)) {
                st.readable = false;
            }
            st.findings.push(
                Finding::at(rule, &path, format!("{} is {found}; expected {expected}", describe_path(&path)))
                    .hint(format!("use a value within the limit of {limit}")),
            );
        }
    }
}

fn type_finding(path: &Pointer, instance: &Value, expected: &str) -> Finding {
    let found = describe_value(instance);
    let mut f = Finding::at(Rule::Lp001, path, format!("{} is {found}; expected {expected}", describe_path(path)));
    if path.as_str().ends_with("/id") && instance.is_number() {
        f.rule = Rule::Lp012;
        f = f.hint("quote the account ID (`id: \"012345678901\"`): unquoted, leading zeros are lost");
    } else if instance.is_null() && path.as_str().is_empty() {
        f = f.hint("the file is empty; start from `examples/bedrock-privatelink/topology.yaml`");
    } else if instance.is_null() {
        f = f.hint("the value is empty; write it after the colon");
    } else {
        f = f.hint(format!("write {expected} here"));
    }
    f
}

/// What an `anyOf` field accepts, by where it stands.
fn expected_alternatives(path: &Pointer) -> &'static str {
    let p = path.as_str();
    if p.ends_with("/azs") {
        "a list of AZ IDs (`[use1-az1, use1-az2]`) or a count of AZs"
    } else if p.contains("/subnets/") {
        "a prefix length (16 to 28) or `auto`"
    } else {
        "a value of another form"
    }
}

/// The rule and the expected range of a bounded number, by field.
fn range_rule(path: &Pointer) -> (Rule, &'static str) {
    let p = path.as_str();
    if p.ends_with("/size") {
        (Rule::Lp021, "a VPC prefix length from 16 to 28")
    } else if p.contains("/subnets/") {
        (Rule::Lp021, "a subnet prefix length from 16 to 28")
    } else if p.ends_with("/presignedUrlTtlSeconds") {
        (Rule::Lp014, "5 to 300 seconds (the CreatePresignedDomainUrl limits)")
    } else if p.ends_with("/port") {
        (Rule::Lp014, "a TCP port from 1 to 65535")
    } else {
        (Rule::Lp014, "a value in range")
    }
}

/// `vpcs.app-use1.size`, `endpoints[0].vpc`, or `the topology` for the root.
pub fn describe_path(path: &Pointer) -> String {
    let mut out = String::new();
    for seg in path.as_str().split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.bytes().all(|b| b.is_ascii_digit()) && !seg.is_empty() {
            let _ = write!(out, "[{seg}]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    if out.is_empty() { "the topology".to_owned() } else { format!("`{out}`") }
}

fn describe_value(v: &Value) -> String {
    match v {
        Value::Null => "empty".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

fn article(t: &str) -> String {
    match t {
        "object" => "a mapping".to_owned(),
        "array" => "a list".to_owned(),
        "integer" => "an integer".to_owned(),
        "null" => "nothing".to_owned(),
        other => format!("a {other}"),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({
            "apiVersion": "linkplan/v1alpha1",
            "name": "t",
            "accounts": {"a": {"id": "111111111111"}},
            "vpcs": {"v": {"account": "a", "region": "us-east-1", "cidr": "10.0.0.0/16", "azs": 2}}
        })
    }

    #[test]
    fn a_minimal_topology_is_well_formed() {
        let mut v = minimal();
        let s = check(&mut v);
        assert!(s.findings.is_empty(), "{:?}", s.findings);
        assert!(s.readable);
    }

    #[test]
    fn unknown_fields_are_reported_with_a_suggestion_and_removed() {
        let mut v = minimal();
        v["vpcs"]["v"]["regoin"] = json!("x");
        let s = check(&mut v);
        assert_eq!(s.findings.len(), 1);
        assert!(s.findings[0].message.contains("unknown field `regoin` in `vpcs.v`"), "{}", s.findings[0].message);
        assert_eq!(s.findings[0].hint.as_deref(), Some("did you mean `region`?"));
        assert!(s.readable);
        assert!(v["vpcs"]["v"].get("regoin").is_none());
    }

    #[test]
    fn every_structural_error_is_reported_at_once() {
        let mut v = minimal();
        v["vpcs"]["v"]["azs"] = json!("two");
        v["vpcs"]["v"].as_object_mut().unwrap().remove("region");
        v["accounts"]["a"]["id"] = json!(111_111_111_111_u64);
        v["transit"] = json!({"mode": "transit-gateways"});
        let s = check(&mut v);
        let codes: Vec<_> = s.findings.iter().map(|f| f.rule).collect();
        assert_eq!(s.findings.len(), 4, "{:?}", s.findings);
        assert!(codes.contains(&Rule::Lp012));
        assert!(s.findings.iter().any(|f| f.hint.as_deref() == Some("did you mean `transit-gateway`?")));
        assert!(!s.readable);
    }

    #[test]
    fn sizes_out_of_range_are_lp021() {
        let mut v = minimal();
        v["vpcs"]["v"].as_object_mut().unwrap().remove("cidr");
        v["vpcs"]["v"]["size"] = json!(30);
        let s = check(&mut v);
        assert_eq!(s.findings.len(), 1);
        assert_eq!(s.findings[0].rule, Rule::Lp021);
        assert!(s.readable);
    }
}
