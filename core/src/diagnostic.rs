//! The one diagnostic type: what the CLI prints, what JSON output holds and
//! what the JS binding returns.
//!
//! Checks produce [`Finding`]s that point at a path of the document; the
//! pipeline resolves them through the span index into [`Diagnostic`]s with a
//! file, line, column and byte span.

use crate::source::{ByteSpan, LineIndex, Pointer, SpanIndex};
use schemars::JsonSchema;
use serde::Serialize;

pub use crate::rules::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Which text a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceId {
    Topology,
    Lock,
}

/// Where in a source a finding points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// The value at a path.
    Value(Pointer),
    /// The key of a mapping entry at a path (its value when it has no key).
    Key(Pointer),
    /// A span found directly (parse errors).
    Span(ByteSpan),
}

/// A finding before it is placed in a file.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
    pub source: SourceId,
    pub at: Anchor,
    pub related: Vec<(Anchor, String)>,
}

impl Finding {
    pub fn new(rule: Rule, at: Anchor, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            hint: None,
            source: SourceId::Topology,
            at,
            related: Vec::new(),
        }
    }

    /// A finding on the value at `path`.
    pub fn at(rule: Rule, path: &Pointer, message: impl Into<String>) -> Self {
        Self::new(rule, Anchor::Value(path.clone()), message)
    }

    /// A finding on the key at `path`.
    pub fn at_key(rule: Rule, path: &Pointer, message: impl Into<String>) -> Self {
        Self::new(rule, Anchor::Key(path.clone()), message)
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    #[must_use]
    pub fn in_lock(mut self) -> Self {
        self.source = SourceId::Lock;
        self
    }

    #[must_use]
    pub fn related(mut self, at: Anchor, label: impl Into<String>) -> Self {
        self.related.push((at, label.into()));
        self
    }
}

/// A second place a diagnostic refers to ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RelatedLocation {
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// Byte offset and length in the same file.
    pub offset: usize,
    pub length: usize,
}

/// A finding placed in its file: code, severity, message, where, and a hint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// The rule code, e.g. `LP022`.
    pub code: String,
    pub severity: Severity,
    /// What was found and what was expected.
    pub message: String,
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offset and length of the offending text in `file`.
    pub offset: usize,
    pub length: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedLocation>,
    /// The JSON pointer of the offending value, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The rule's documentation.
    pub url: String,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// An LP000 at the start of `file`: the core failed on its input (the
    /// binding's guard reports a panic so).
    pub fn internal_error(file: &str, message: &str) -> Self {
        Diagnostic {
            code: Rule::Lp000.code().to_owned(),
            severity: Severity::Error,
            message: format!("internal error in the Linkplan core: {message}"),
            file: file.to_owned(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            offset: 0,
            length: 0,
            hint: Some("this is a bug in Linkplan; please report it with the topology".into()),
            related: Vec::new(),
            path: None,
            url: Rule::Lp000.url(),
        }
    }
}

/// One source text with its name and span index.
#[derive(Debug)]
pub struct SourceFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub spans: &'a SpanIndex,
    pub lines: LineIndex,
}

impl<'a> SourceFile<'a> {
    pub fn new(name: &'a str, text: &'a str, spans: &'a SpanIndex) -> Self {
        Self { name, text, spans, lines: LineIndex::new(text) }
    }

    fn span(&self, at: &Anchor) -> ByteSpan {
        let s = match at {
            Anchor::Value(p) => self.spans.value(p.as_str()),
            Anchor::Key(p) => self.spans.key(p.as_str()),
            Anchor::Span(s) => *s,
        };
        // never point past the text, whatever an index said
        let offset = s.offset.min(self.text.len());
        ByteSpan::new(offset, s.len.min(self.text.len() - offset))
    }
}

/// Places findings in their files and sorts them by file, line and column.
pub fn resolve(findings: Vec<Finding>, topology: &SourceFile<'_>, lock: Option<&SourceFile<'_>>) -> Vec<Diagnostic> {
    let mut out: Vec<(SourceId, Diagnostic)> = findings
        .into_iter()
        .map(|f| {
            let src = match (f.source, lock) {
                (SourceId::Lock, Some(l)) => l,
                _ => topology,
            };
            let span = src.span(&f.at);
            let (line, column) = src.lines.position(src.text, span.offset);
            let (end_line, end_column) = src.lines.position(src.text, span.offset + span.len);
            let related = f
                .related
                .iter()
                .map(|(at, message)| {
                    let s = src.span(at);
                    let (line, column) = src.lines.position(src.text, s.offset);
                    RelatedLocation { message: message.clone(), line, column, offset: s.offset, length: s.len }
                })
                .collect();
            let path = match &f.at {
                Anchor::Value(p) | Anchor::Key(p) => Some(p.as_str().to_owned()),
                Anchor::Span(_) => None,
            };
            (
                f.source,
                Diagnostic {
                    code: f.rule.code().to_owned(),
                    severity: f.severity,
                    message: f.message,
                    file: src.name.to_owned(),
                    line,
                    column,
                    end_line,
                    end_column,
                    offset: span.offset,
                    length: span.len,
                    hint: f.hint,
                    related,
                    path,
                    url: f.rule.url(),
                },
            )
        })
        .collect();
    out.sort_by(|(sa, a), (sb, b)| {
        (sa, a.line, a.column, &a.code, &a.message).cmp(&(sb, b.line, b.column, &b.code, &b.message))
    });
    out.dedup_by(|(_, a), (_, b)| a == b);
    out.into_iter().map(|(_, d)| d).collect()
}
