//! Renders diagnostics as text with a code frame (miette's graphical
//! handler) or as the JSON report of `plan validate --format json`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::LineIndex;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceSpan, SpanContents,
};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::{self, Write as _};

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

/// A code frame shows at most this many characters of a line, around the
/// span, with `…` where the line goes on.
pub const MAX_LINE_CHARS: usize = 200;

/// Characters of a clipped line shown before the first span on it.
const LEAD_CHARS: usize = 40;

/// A span over more lines than this is shown by its first line only.
const MAX_SPAN_LINES: usize = 3;

/// Renders diagnostics against sources indexed once: each code frame costs
/// the lines it shows, not the size of the file (miette's own source
/// reading scanned the text from its start for every label, and so made
/// rendering quadratic in the findings).
pub struct Renderer<'a> {
    files: Vec<Indexed<'a>>,
}

struct Indexed<'a> {
    name: Cow<'a, str>,
    text: Cow<'a, str>,
    lines: LineIndex,
}

impl<'a> Renderer<'a> {
    /// Indexes `(name, text)` sources.
    pub fn new(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let files = sources
            .into_iter()
            .map(|(name, text)| Indexed { name: name.into(), text: text.into(), lines: LineIndex::new(text) })
            .collect();
        Self { files }
    }

    /// Indexes sources it keeps (the binding renders after the run).
    pub fn owned(sources: Vec<(String, String)>) -> Renderer<'static> {
        let files = sources
            .into_iter()
            .map(|(name, text)| {
                let lines = LineIndex::new(&text);
                Indexed { name: name.into(), text: text.into(), lines }
            })
            .collect();
        Renderer { files }
    }

    /// One diagnostic as text: `error[LP022]: …` with the code frame and hint.
    pub fn render(&self, d: &Diagnostic, style: TextStyle) -> String {
        let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(style.width.unwrap_or(100))
            .with_links(false)
            .with_break_words(false)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_context_lines(1);
        let excerpt =
            self.files.iter().find(|f| f.name == d.file).filter(|f| !f.text.is_empty()).map(|f| Excerpt::new(f, d));
        let report = Report { d, excerpt };
        let mut out = String::new();
        if handler.render_report(&mut out, &report).is_err() {
            // rendering into a String cannot fail; keep a plain line if it ever does
            out = format!("{}[{}]: {} ({}:{}:{})\n", label(d.severity), d.code, d.message, d.file, d.line, d.column);
        }
        out
    }

    /// The diagnostics as text, at most `max` of them (then a line saying how
    /// many more there are), and a one-line summary of all of them.
    pub fn render_all(&self, diags: &[Diagnostic], style: TextStyle, max: Option<usize>) -> String {
        let shown = max.map_or(diags.len(), |m| m.min(diags.len()));
        let mut out = String::new();
        for d in diags.iter().take(shown) {
            out.push_str(&self.render(d, style));
            out.push('\n');
        }
        let more = diags.len() - shown;
        if more > 0 {
            let _ = writeln!(
                out,
                "… and {} more finding{} (`--max-findings 0` shows every one, `--format json` lists them all)\n",
                crate::source::thousands(more as u64),
                if more == 1 { "" } else { "s" }
            );
        }
        out.push_str(&summary(diags));
        out.push('\n');
        out
    }
}

/// One diagnostic as text: `error[LP022]: …` with the code frame and hint.
pub fn render_text(d: &Diagnostic, sources: &(impl Sources + ?Sized), style: TextStyle) -> String {
    Renderer::new(sources.text(&d.file).map(|t| (d.file.as_str(), t))).render(d, style)
}

/// Every diagnostic as text, then a one-line summary.
pub fn render_all_text(diags: &[Diagnostic], sources: &(impl Sources + ?Sized), style: TextStyle) -> String {
    renderer_for(diags, sources).render_all(diags, style, None)
}

/// A renderer of the files `diags` point into, each indexed once.
pub fn renderer_for<'a>(diags: &[Diagnostic], sources: &'a (impl Sources + ?Sized)) -> Renderer<'a> {
    let mut seen: Vec<&str> = Vec::new();
    let mut files = Vec::new();
    for d in diags {
        if seen.contains(&d.file.as_str()) {
            continue;
        }
        seen.push(&d.file);
        if let Some(text) = sources.text(&d.file) {
            files.push(Indexed { name: d.file.clone().into(), text: text.into(), lines: LineIndex::new(text) });
        }
    }
    Renderer { files }
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
    excerpt: Option<Excerpt>,
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
        self.excerpt.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let e = self.excerpt.as_ref()?;
        Some(Box::new(e.labels.iter().cloned()))
    }
}

/// The few lines a diagnostic's frame shows, copied out of its file and
/// clipped to [`MAX_LINE_CHARS`], with its labels moved into them. miette
/// reads only this: `read_span` answers from the excerpt's lines, and says
/// which line of the file each is, so a frame costs what it shows.
struct Excerpt {
    name: String,
    text: String,
    lines: Vec<ExcerptLine>,
    /// Runs of consecutive file lines, as ranges of `lines`; a span never
    /// crosses from one to the next.
    runs: Vec<(usize, usize)>,
    labels: Vec<LabeledSpan>,
}

struct ExcerptLine {
    /// The line in the excerpt's text, without its `\n`.
    start: usize,
    end: usize,
    /// Where the file's text begins in it (after a leading `…`), and how
    /// much of the file's line it holds.
    text_start: usize,
    text_len: usize,
    /// The 0-based line of the file, and the byte offset and 0-based
    /// character column in the file of the text it holds.
    line: usize,
    offset: usize,
    column: usize,
}

/// A label as a byte range of its file.
struct FileLabel {
    start: usize,
    end: usize,
    first_line: usize,
    last_line: usize,
    label: Option<String>,
    primary: bool,
}

impl Excerpt {
    fn new(f: &Indexed<'_>, d: &Diagnostic) -> Self {
        let text: &str = &f.text;
        let mut labels: Vec<FileLabel> = Vec::with_capacity(1 + d.related.len());
        labels.push(file_label(f, d.offset, d.length, Some("here".into()), true));
        for r in &d.related {
            labels.push(file_label(f, r.offset, r.length, Some(r.message.clone()), false));
        }
        // the lines to show: each label's, and one of context either side
        let last = f.lines.count().saturating_sub(1);
        let mut ranges: Vec<(usize, usize)> =
            labels.iter().map(|l| (l.first_line.saturating_sub(1), (l.last_line + 1).min(last))).collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (a, b) in ranges {
            match merged.last_mut() {
                Some((_, end)) if a <= *end + 1 => *end = (*end).max(b),
                _ => merged.push((a, b)),
            }
        }
        let mut out = Excerpt {
            name: d.file.clone(),
            text: String::new(),
            lines: Vec::new(),
            runs: Vec::new(),
            labels: Vec::new(),
        };
        for (a, b) in merged {
            // one window of columns for the run, so that its lines stay aligned:
            // from a little before the first label that starts in it
            let anchor = labels
                .iter()
                .filter(|l| (a..=b).contains(&l.first_line))
                .map(|l| f.lines.position(text, l.start).1 - 1)
                .min()
                .unwrap_or(0);
            let window = anchor.saturating_sub(LEAD_CHARS);
            let first = out.lines.len();
            for line in a..=b {
                // a line that fits is shown whole; a longer one from the window
                let (s, e) = f.lines.line_range(text, line);
                let fits =
                    e - s <= MAX_LINE_CHARS || text.get(s..e).is_some_and(|l| l.chars().nth(MAX_LINE_CHARS).is_none());
                out.push_line(f, line, if fits { 0 } else { window });
            }
            out.runs.push((first, out.lines.len() - 1));
        }
        out.labels = labels
            .iter()
            .map(|l| {
                let start = out.to_excerpt(l.first_line, l.start);
                let end = out.to_excerpt(l.last_line, l.end).max(start);
                let span = SourceSpan::new(start.into(), end - start);
                if l.primary {
                    LabeledSpan::new_primary_with_span(l.label.clone(), span)
                } else {
                    LabeledSpan::new_with_span(l.label.clone(), span)
                }
            })
            .collect();
        out
    }

    /// Copies line `line` of the file, from character `window` on, at most
    /// [`MAX_LINE_CHARS`] of it.
    fn push_line(&mut self, f: &Indexed<'_>, line: usize, window: usize) {
        let text: &str = &f.text;
        let (s, e) = f.lines.line_range(text, line);
        let full = text.get(s..e).unwrap_or("");
        // byte offsets of characters `window` and `window + MAX_LINE_CHARS`
        let (from, to) = if f.lines.is_ascii(line) {
            (window.min(full.len()), (window + MAX_LINE_CHARS).min(full.len()))
        } else {
            let mut at = full.char_indices().map(|(i, _)| i).chain([full.len()]);
            let from = at.nth(window).unwrap_or(full.len());
            let to = at.nth(MAX_LINE_CHARS.saturating_sub(1)).unwrap_or(full.len());
            (from, to.max(from))
        };
        let start = self.text.len();
        if from > 0 {
            self.text.push('…');
        }
        let text_start = self.text.len();
        self.text.push_str(full.get(from..to).unwrap_or(""));
        if to < full.len() {
            self.text.push('…');
        }
        let end = self.text.len();
        self.text.push('\n');
        let column = if from == 0 { 0 } else { window.min(full.chars().count()) };
        self.lines.push(ExcerptLine { start, end, text_start, text_len: to - from, line, offset: s + from, column });
    }

    /// The excerpt offset of file offset `at` on file line `line`, clipped
    /// to what the excerpt holds of that line.
    fn to_excerpt(&self, line: usize, at: usize) -> usize {
        match self.lines.iter().find(|l| l.line == line) {
            Some(l) => l.text_start + at.saturating_sub(l.offset).min(l.text_len),
            None => 0,
        }
    }

    /// The index of the excerpt line holding excerpt offset `at`.
    fn line_at(&self, at: usize) -> Option<usize> {
        let i = self.lines.partition_point(|l| l.end < at);
        (i < self.lines.len()).then_some(i)
    }
}

/// A diagnostic's span as a label: clamped to the text, on character
/// boundaries, and cut to its first line when it covers many.
fn file_label(f: &Indexed<'_>, offset: usize, len: usize, label: Option<String>, primary: bool) -> FileLabel {
    let text: &str = &f.text;
    let mut start = offset.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = offset.saturating_add(len).min(text.len()).max(start);
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let first_line = f.lines.line_of(start);
    // a span that ends with its line's break ends on that line
    let mut last_line = f.lines.line_of(if end > start { end - 1 } else { end });
    if last_line - first_line + 1 > MAX_SPAN_LINES {
        last_line = first_line;
        end = f.lines.line_range(text, first_line).1.max(start);
    }
    end = end.min(f.lines.line_range(text, last_line).1.max(start));
    FileLabel { start, end, first_line, last_line, label, primary }
}

impl miette::SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, len) = (span.offset(), span.len());
        let first = self.line_at(start).ok_or(MietteError::OutOfBounds)?;
        let last = self.line_at(if len > 0 { start + len - 1 } else { start }).ok_or(MietteError::OutOfBounds)?;
        let &(run_first, run_last) =
            self.runs.iter().find(|(a, b)| (*a..=*b).contains(&first)).ok_or(MietteError::OutOfBounds)?;
        if last > run_last {
            // the span crosses from one run of lines to another
            return Err(MietteError::OutOfBounds);
        }
        let from = first.saturating_sub(context_lines_before).max(run_first);
        let to = (last + context_lines_after).min(run_last);
        let (Some(a), Some(b), Some(at)) = (self.lines.get(from), self.lines.get(to), self.lines.get(first)) else {
            return Err(MietteError::OutOfBounds);
        };
        // as miette's own sources: without lines before, the contents start
        // at the span, with its column (in characters, as in the file)
        let (data_start, column) = if context_lines_before == 0 {
            let shown = self.text.get(at.text_start..start.max(at.text_start)).map_or(0, |t| t.chars().count());
            (start.max(at.start), at.column + shown)
        } else {
            (a.start, 0)
        };
        let data_end = (b.end + 1).min(self.text.len());
        let data = self.text.as_bytes().get(data_start..data_end).ok_or(MietteError::OutOfBounds)?;
        let line = if context_lines_before == 0 { at.line } else { a.line };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(data_start.into(), data_end - data_start),
            line,
            column,
            to - from + 1,
        )))
    }
}
