//! The one diagnostic type: what the CLI prints, what JSON output holds and
//! what the JS binding returns.
//!
//! Checks produce [`Finding`]s that point at a path of the document; the
//! pipeline resolves them through the span index into [`Diagnostic`]s with a
//! file, line, column and byte span.

use crate::source::{ByteSpan, LineIndex, Pointer, SpanIndex};
use schemars::JsonSchema;
use serde::Serialize;

/// The rule codes of the topology spec. The codes are normative: users and
/// tests match on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// The file does not parse, or a field has the wrong type / is unknown.
    Lp001,
    /// The lock file is unreadable, corrupt or belongs to another topology.
    Lp002,
    /// A reference names something that does not exist.
    Lp010,
    /// A name is defined twice.
    Lp011,
    /// An account ID is not 12 digits.
    Lp012,
    /// Unknown region, or an AZ ID that is not in the VPC's region.
    Lp013,
    /// A value is out of its allowed range (e.g. the presigned URL TTL).
    Lp014,
    /// A CIDR is not canonical (host bits set).
    Lp020,
    /// A VPC or subnet prefix outside /16–/28.
    Lp021,
    /// Two CIDRs overlap where they must not.
    Lp022,
    /// A pool has no room for a requested size.
    Lp023,
    /// The subnets of a VPC do not fit in its CIDR.
    Lp024,
    /// A subnet has too few addresses for its endpoint ENIs plus the 5 AWS reserves.
    Lp025,
    /// The change would move a locked allocation.
    Lp026,
    /// (warning) An allocation is not in the lock file yet.
    Lp027,
    /// A service is not offered in that region (or not in a planned AZ).
    Lp030,
    /// A workload cannot reach a service it needs; names the missing link.
    Lp031,
    /// A shared hosted zone would collide with a VPC's own private DNS.
    Lp032,
    /// Two hubs serve the same service name to one VPC.
    Lp033,
    /// A gateway endpoint is shared (gateway endpoints serve their own VPC only).
    Lp034,
    /// A VPC would need two Route 53 Profiles.
    Lp035,
    /// Resolver endpoints need two AZs in the hub.
    Lp036,
    /// A PrivateLink consumer is in another region than its producer.
    Lp037,
    /// An AWS quota would be exceeded.
    Lp040,
    /// (warning) An AWS quota is at 80% or more.
    Lp041,
    /// (warning) A security weakness the spec asks for explicitly.
    Lp050,
    /// (warning) The live accounts already hold what the plan would create
    /// again (a transit gateway, a VPC endpoint for the same service); found
    /// by `plan check --live`.
    Lp060,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::Lp001 => "LP001",
            Rule::Lp002 => "LP002",
            Rule::Lp010 => "LP010",
            Rule::Lp011 => "LP011",
            Rule::Lp012 => "LP012",
            Rule::Lp013 => "LP013",
            Rule::Lp014 => "LP014",
            Rule::Lp020 => "LP020",
            Rule::Lp021 => "LP021",
            Rule::Lp022 => "LP022",
            Rule::Lp023 => "LP023",
            Rule::Lp024 => "LP024",
            Rule::Lp025 => "LP025",
            Rule::Lp026 => "LP026",
            Rule::Lp027 => "LP027",
            Rule::Lp030 => "LP030",
            Rule::Lp031 => "LP031",
            Rule::Lp032 => "LP032",
            Rule::Lp033 => "LP033",
            Rule::Lp034 => "LP034",
            Rule::Lp035 => "LP035",
            Rule::Lp036 => "LP036",
            Rule::Lp037 => "LP037",
            Rule::Lp040 => "LP040",
            Rule::Lp041 => "LP041",
            Rule::Lp050 => "LP050",
            Rule::Lp060 => "LP060",
        }
    }

    fn default_severity(self) -> Severity {
        match self {
            Rule::Lp027 | Rule::Lp041 | Rule::Lp050 | Rule::Lp060 => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

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

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn in_lock(mut self) -> Self {
        self.source = SourceId::Lock;
        self
    }

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
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
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
