//! Field-level rules checked by `validator` (account and organization IDs),
//! turned into findings at the field's path.

use crate::diagnostic::{Finding, Rule};
use crate::source::Pointer;
use crate::spec::Topology;
use serde_json::Value;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

pub fn check(topo: &Topology, out: &mut Vec<Finding>) {
    let Err(errors) = topo.validate() else { return };
    // map positions in maps back to their keys through the value's shape
    let shape = serde_json::to_value(topo).unwrap_or(Value::Null);
    walk(&errors, &Pointer::root(), &shape, out);
}

fn walk(errors: &ValidationErrors, at: &Pointer, shape: &Value, out: &mut Vec<Finding>) {
    let mut fields: Vec<_> = errors.errors().iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in fields {
        let name = camel(field);
        let path = at.key(&name);
        let sub = shape.get(&name).unwrap_or(&Value::Null);
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let (rule, hint) = match e.code.as_ref() {
                        "LP012" => {
                            (Rule::Lp012, "an account ID is the 12 digits of the account, quoted (`\"012345678901\"`)")
                        }
                        _ => (Rule::Lp014, "`aws organizations describe-organization` shows the organization ID"),
                    };
                    let message =
                        e.message.as_ref().map_or_else(|| format!("`{name}` is invalid"), ToString::to_string);
                    out.push(Finding::at(rule, &path, message).hint(hint));
                }
            }
            ValidationErrorsKind::Struct(inner) => walk(inner, &path, sub, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    let (p, s) = match sub {
                        Value::Object(m) => match m.iter().nth(*i) {
                            Some((k, v)) => (path.key(k), v),
                            None => (path.clone(), &Value::Null),
                        },
                        Value::Array(a) => (path.index(*i), a.get(*i).unwrap_or(&Value::Null)),
                        _ => (path.clone(), &Value::Null),
                    };
                    walk(inner, &p, s, out);
                }
            }
        }
    }
}

/// Rust field names are snake_case; the file's are camelCase.
fn camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}
