//! Renders diagnostics as text with a code frame (miette's graphical
//! handler) or as the JSON report of `plan validate --format json`.

use crate::diagnostic::{Diagnostic, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;
use std::fmt;

/// How rendered text looks.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextStyle {
    /// ANSI colours (for a terminal).
    pub color: bool,
    /// Wrap width; `None` is 100 columns.
    pub width: Option<usize>,
}

/// The sources diagnostics may point into, by file name.
pub trait Sources {
    fn text(&self, file: &str) -> Option<&str>;
}

impl Sources for [(&str, &str)] {
    fn text(&self, file: &str) -> Option<&str> {
        self.iter().find(|(n, _)| *n == file).map(|(_, t)| *t)
    }
}

/// One diagnostic as text: `error[LP022]: …` with the code frame and hint.
pub fn render_text(d: &Diagnostic, sources: &(impl Sources + ?Sized), style: TextStyle) -> String {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width.unwrap_or(100))
        .with_links(false)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_context_lines(1);
    let report = Report { d, source: sources.text(&d.file).map(|t| NamedSource::new(d.file.clone(), t.to_owned())) };
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        // rendering into a String cannot fail; keep a plain line if it ever does
        out = format!("{}[{}]: {} ({}:{}:{})\n", label(d.severity), d.code, d.message, d.file, d.line, d.column);
    }
    out
}

/// Every diagnostic as text, then a one-line summary.
pub fn render_all_text(diags: &[Diagnostic], sources: &(impl Sources + ?Sized), style: TextStyle) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_text(d, sources, style));
        out.push('\n');
    }
    out.push_str(&summary(diags));
    out.push('\n');
    out
}

/// `2 errors, 1 warning` or `no findings`.
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "valid: no findings".to_owned(),
        (0, w) => format!("valid: {}", plural(w, "warning")),
        (e, w) => format!("invalid: {}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// The JSON report of `plan validate --format json`.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub valid: bool,
    pub diagnostics: &'a [Diagnostic],
}

impl<'a> JsonReport<'a> {
    pub fn new(diagnostics: &'a [Diagnostic]) -> Self {
        Self { valid: !diagnostics.iter().any(Diagnostic::is_error), diagnostics }
    }
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Adapts a [`Diagnostic`] to miette's report trait for rendering only.
struct Report<'a> {
    d: &'a Diagnostic,
    source: Option<NamedSource<String>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.d.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.d.url))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d.hint.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let primary = LabeledSpan::new_primary_with_span(
            Some("here".into()),
            SourceSpan::new(self.d.offset.into(), self.d.length),
        );
        let related =
            self.d.related.iter().map(|r| {
                LabeledSpan::new_with_span(Some(r.message.clone()), SourceSpan::new(r.offset.into(), r.length))
            });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}
