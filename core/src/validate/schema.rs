//! A validator for the JSON Schema subset schemars writes for the topology:
//! `$ref` into `$defs`, `type`, `properties`, `required`,
//! `additionalProperties`, `items`, `enum`, `const`, `anyOf`, `oneOf`,
//! `minimum` and `maximum` (JSON Schema 2020-12 semantics; `format` is an
//! annotation there and is not asserted). It reports every error at once,
//! with the place of the value and what the schema wanted, and nothing else:
//! the wording is `structure.rs`'s job.
//!
//! A general-purpose validator (the `jsonschema` crate) did this before; it
//! was the single largest crate of a build of the CLI (two minutes of a
//! release build on two cores) for the dozen keywords used here.

use serde_json::{Map, Value};

/// One way the document differs from the schema.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaError {
    /// Properties the object may not have, with those it may.
    AdditionalProperties { path: String, unexpected: Vec<String>, allowed: Vec<String> },
    /// A required property is missing.
    Required { path: String, property: String },
    /// The value is not of the schema's type(s).
    Type { path: String, expected: Vec<String> },
    /// The value is not one of the allowed ones.
    Enum { path: String, options: Vec<Value> },
    /// No alternative of an `anyOf`/`oneOf` matched; the errors of each.
    NoAlternative { path: String, alternatives: Vec<Vec<SchemaError>> },
    /// A number below `minimum` or above `maximum`.
    Range { path: String, limit: Value },
}

impl SchemaError {
    /// The JSON pointer of the value the error is about.
    pub fn path(&self) -> &str {
        match self {
            SchemaError::AdditionalProperties { path, .. }
            | SchemaError::Required { path, .. }
            | SchemaError::Type { path, .. }
            | SchemaError::Enum { path, .. }
            | SchemaError::NoAlternative { path, .. }
            | SchemaError::Range { path, .. } => path,
        }
    }
}

/// Every error of `value` against `schema` (the root of a schemars schema).
pub fn validate(schema: &Value, value: &Value) -> Vec<SchemaError> {
    let mut out = Vec::new();
    Walker { root: schema }.check(schema, value, "", &mut out);
    out
}

struct Walker<'a> {
    root: &'a Value,
}

impl<'a> Walker<'a> {
    /// The schema a `$ref` names (`#/$defs/Name`); `None` for refs elsewhere.
    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        self.root.pointer(reference.strip_prefix('#')?)
    }

    fn check(&self, schema: &'a Value, value: &Value, path: &str, out: &mut Vec<SchemaError>) {
        let Some(s) = schema.as_object() else { return };
        if let Some(target) = s.get("$ref").and_then(Value::as_str).and_then(|r| self.resolve(r)) {
            self.check(target, value, path, out);
        }
        if let Some(t) = s.get("type")
            && !type_matches(t, value)
        {
            let expected = match t {
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                other => other.as_str().map(str::to_owned).into_iter().collect(),
            };
            out.push(SchemaError::Type { path: path.to_owned(), expected });
            // the other keywords are about a value of the right type
            return;
        }
        if let Some(options) = s.get("enum").and_then(Value::as_array)
            && !options.iter().any(|o| same(o, value))
        {
            out.push(SchemaError::Enum { path: path.to_owned(), options: options.clone() });
        }
        if let Some(c) = s.get("const")
            && !same(c, value)
        {
            out.push(SchemaError::Enum { path: path.to_owned(), options: vec![c.clone()] });
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(alternatives) = s.get(key).and_then(Value::as_array) {
                self.alternatives(alternatives, value, path, out);
            }
        }
        if let Some(n) = value.as_f64() {
            range(s, n, path, out);
        }
        match value {
            Value::Object(m) => self.object(s, m, path, out),
            Value::Array(items) => {
                if let Some(item) = s.get("items") {
                    for (i, v) in items.iter().enumerate() {
                        self.check(item, v, &format!("{path}/{i}"), out);
                    }
                }
            }
            _ => {}
        }
    }

    fn alternatives(&self, alternatives: &'a [Value], value: &Value, path: &str, out: &mut Vec<SchemaError>) {
        let mut errors = Vec::with_capacity(alternatives.len());
        for a in alternatives {
            let mut e = Vec::new();
            self.check(a, value, path, &mut e);
            if e.is_empty() {
                return;
            }
            errors.push(e);
        }
        out.push(SchemaError::NoAlternative { path: path.to_owned(), alternatives: errors });
    }

    fn object(&self, s: &'a Map<String, Value>, m: &Map<String, Value>, path: &str, out: &mut Vec<SchemaError>) {
        let properties = s.get("properties").and_then(Value::as_object);
        for name in s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !m.contains_key(name) {
                out.push(SchemaError::Required { path: path.to_owned(), property: name.to_owned() });
            }
        }
        let mut unexpected = Vec::new();
        for (k, v) in m {
            let child = format!("{path}/{}", escape(k));
            match (properties.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                (Some(p), _) => self.check(p, v, &child, out),
                (None, Some(Value::Bool(false))) => unexpected.push(k.clone()),
                (None, Some(extra @ Value::Object(_))) => self.check(extra, v, &child, out),
                (None, _) => {}
            }
        }
        if !unexpected.is_empty() {
            let allowed = properties.map(|p| p.keys().cloned().collect()).unwrap_or_default();
            out.push(SchemaError::AdditionalProperties { path: path.to_owned(), unexpected, allowed });
        }
    }
}

fn range(s: &Map<String, Value>, n: f64, path: &str, out: &mut Vec<SchemaError>) {
    for (key, below) in [("minimum", true), ("maximum", false)] {
        if let Some(limit) = s.get(key)
            && let Some(l) = limit.as_f64()
            && (if below { n < l } else { n > l })
        {
            out.push(SchemaError::Range { path: path.to_owned(), limit: limit.clone() });
        }
    }
}

/// `~` and `/` escaped as a JSON pointer segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn type_matches(t: &Value, value: &Value) -> bool {
    match t {
        Value::String(name) => is_type(name, value),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(|n| is_type(n, value)),
        _ => true,
    }
}

fn is_type(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        // an integer is a number without a fractional part (1.0 included)
        "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => true,
    }
}

/// JSON equality, with numbers compared by value (`1` equals `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "size": {"type": "integer", "minimum": 16, "maximum": 28},
                "mode": {"$ref": "#/$defs/Mode"},
                "azs": {"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "string"}}]},
                "tags": {"type": "object", "additionalProperties": {"type": "string"}}
            },
            "required": ["name"],
            "additionalProperties": false,
            "$defs": {"Mode": {"type": "string", "enum": ["a", "b"]}}
        })
    }

    #[test]
    fn a_valid_document_has_no_errors() {
        let v = json!({"name": "x", "size": 20, "mode": "a", "azs": ["z"], "tags": {"k": "v"}});
        assert_eq!(validate(&schema(), &v), []);
        assert_eq!(validate(&schema(), &json!({"name": "x", "size": 20.0, "azs": 2})), []);
    }

    #[test]
    fn every_error_is_reported_with_its_place() {
        let v = json!({"size": 30, "mode": "c", "azs": "two", "tags": {"k": 1}, "extra": 1});
        let errors = validate(&schema(), &v);
        let paths: Vec<&str> = errors.iter().map(SchemaError::path).collect();
        assert!(errors.contains(&SchemaError::Required { path: String::new(), property: "name".into() }));
        assert!(errors.contains(&SchemaError::Range { path: "/size".into(), limit: json!(28) }));
        assert!(errors.contains(&SchemaError::Enum { path: "/mode".into(), options: vec![json!("a"), json!("b")] }));
        assert!(errors.iter().any(|e| matches!(e, SchemaError::NoAlternative { path, .. } if path == "/azs")));
        assert!(paths.contains(&"/tags/k"));
        assert!(errors.iter().any(
            |e| matches!(e, SchemaError::AdditionalProperties { unexpected, allowed, .. } if unexpected == &["extra"] && allowed.contains(&"name".to_owned()))
        ));
        assert_eq!(errors.len(), 6, "{errors:?}");
    }

    #[test]
    fn a_wrong_type_stops_the_checks_of_that_value() {
        let errors = validate(&schema(), &json!({"name": 3, "size": "big"}));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().all(|e| matches!(e, SchemaError::Type { .. })));
    }
}
