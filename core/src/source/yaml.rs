//! YAML 1.2 (and so JSON) → `serde_json::Value` + [`SpanIndex`].
//!
//! Built on saphyr-parser's event stream, which carries a span for every
//! event, so that every value keeps the place it came from. Plain scalars are
//! resolved with the YAML 1.2 core schema (no `yes`/`no` booleans, no
//! sexagesimal numbers). Duplicate keys are reported, not silently merged.

use super::{ByteSpan, NodeSpan, Pointer, SpanIndex};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, SpannedEventReceiver, Tag};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// The largest text read: 64 MiB. A topology of 10,000 VPCs is about
/// 2 MiB; anything past the limit is refused before it is parsed.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Aliases may not expand a document past this many nodes (a "billion
/// laughs" file must be refused, not exhaust memory).
pub const MAX_EXPANDED_NODES: usize = 2_000_000;

/// Nor past this many bytes of keys and scalars: one long string aliased
/// ten thousand times is few nodes and gigabytes of text.
pub const MAX_EXPANDED_BYTES: usize = 64 * 1024 * 1024;

/// How deep mappings and sequences may nest, aliases expanded. A topology
/// nests about ten levels (a policy's condition is the deepest); every stage
/// after the loader walks values recursively, so depth is bounded here.
pub const MAX_DEPTH: usize = 64;

/// A problem found while reading the text.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    /// LP001 for syntax, LP011 for a duplicate key.
    pub duplicate_key: bool,
    pub message: String,
    pub hint: Option<String>,
    pub span: ByteSpan,
    /// For duplicates: where the first one stands.
    pub first: Option<ByteSpan>,
}

/// Reads `text` into a value and its span index. A syntax error ends the
/// read (the value is then `None`); duplicate keys are collected and the
/// first occurrence wins.
pub fn load(text: &str) -> (Option<Value>, SpanIndex, Vec<LoadError>) {
    if text.len() > MAX_INPUT_BYTES {
        return (None, SpanIndex::default(), vec![too_large(Some(text.len() as u64))]);
    }
    let offsets = CharOffsets::new(text);
    let mut rx = Receiver {
        offsets: &offsets,
        stack: Vec::new(),
        index: SpanIndex::default(),
        anchors: HashMap::new(),
        errors: Vec::new(),
        documents: Vec::new(),
        expanded: 0,
        expanded_bytes: 0,
        fatal: false,
    };
    // the event stream, driven here: saphyr's own `load` recurses once per
    // level of nesting (deep input overflows the stack before a receiver can
    // refuse it), and stopping at a fatal finding skips the rest of the text
    let mut parser = Parser::new_from_str(text);
    let result = loop {
        match parser.next_event() {
            Some(Ok((ev, span))) => {
                rx.on_event(ev, span);
                if rx.fatal {
                    break Ok(());
                }
            }
            Some(Err(e)) => break Err(e),
            None => break Ok(()),
        }
    };
    let mut errors = std::mem::take(&mut rx.errors);
    if let Err(e) = result {
        let at = offsets.byte(e.marker().index());
        errors.push(LoadError {
            duplicate_key: false,
            message: format!("the file does not parse as YAML or JSON: {}", e.info()),
            hint: Some("check the indentation and quoting around this line".into()),
            span: ByteSpan::new(at, 0),
            first: None,
        });
        return (None, rx.index, errors);
    }
    if rx.fatal {
        return (None, rx.index, errors);
    }
    let mut docs = rx.documents.into_iter();
    let value = docs.next().map_or(Value::Null, |(v, _)| v);
    if let Some((_, span)) = docs.next() {
        errors.push(LoadError {
            duplicate_key: false,
            message: "found a second YAML document; expected exactly one topology per file".into(),
            hint: Some("remove the `---` separator and everything after it, or split the file".into()),
            span,
            first: None,
        });
    }
    (Some(value), rx.index, errors)
}

/// The finding for a text past [`MAX_INPUT_BYTES`]; `len` when the size is
/// known (a reader that stops at the limit knows only that it is larger).
pub fn too_large(len: Option<u64>) -> LoadError {
    let limit = thousands(MAX_INPUT_BYTES as u64);
    let message = match len {
        Some(n) => {
            format!(
                "the file is {} bytes; the limit is {limit} bytes (64 MiB), and nothing past it is read",
                thousands(n)
            )
        }
        None => format!("the file is larger than {limit} bytes (64 MiB), the limit; nothing past it is read"),
    };
    LoadError {
        duplicate_key: false,
        message,
        hint: Some("a topology of 10,000 VPCs is about 2 MiB: check that this is the topology file".into()),
        span: ByteSpan::default(),
        first: None,
    }
}

/// The finding for bytes that are not UTF-8, at the first invalid byte.
pub fn not_utf8(e: &std::str::Utf8Error) -> LoadError {
    LoadError {
        duplicate_key: false,
        message: "the file is not UTF-8 text: the byte here is not valid UTF-8".into(),
        hint: Some("save the file as UTF-8 (YAML and JSON files are UTF-8)".into()),
        span: ByteSpan::new(e.valid_up_to(), e.error_len().unwrap_or(0)),
        first: None,
    }
}

/// `67108864` → `67,108,864`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a node contributes when an alias repeats it: its nodes, the bytes of
/// its keys and scalars, and its height (0 for a scalar).
#[derive(Clone, Copy, Default)]
struct Size {
    nodes: usize,
    bytes: usize,
    height: usize,
}

impl Size {
    /// The size of a mapping or sequence of children of `self`'s total.
    fn container(self) -> Size {
        Size { nodes: self.nodes.saturating_add(1), bytes: self.bytes, height: self.height.saturating_add(1) }
    }

    fn add(&mut self, child: Size) {
        self.nodes = self.nodes.saturating_add(child.nodes);
        self.bytes = self.bytes.saturating_add(child.bytes);
        self.height = self.height.max(child.height);
    }
}

/// saphyr reports character indices; spans here are byte offsets.
struct CharOffsets {
    /// `None` for ASCII text, where the two are equal.
    bytes: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let bytes = (!text.is_ascii()).then(|| {
            let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            v.push(text.len());
            v
        });
        Self { bytes, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.bytes {
            None => char_index.min(self.len),
            Some(v) => v.get(char_index).copied().unwrap_or(self.len),
        }
    }

    fn span(&self, s: Span) -> ByteSpan {
        let start = self.byte(s.start.index());
        let end = self.byte(s.end.index()).max(start);
        ByteSpan::new(start, end - start)
    }
}

enum Frame {
    Seq {
        path: Pointer,
        items: Vec<Value>,
        start: ByteSpan,
        key: Option<ByteSpan>,
        anchor: usize,
        size: Size,
    },
    Map {
        path: Pointer,
        map: Map<String, Value>,
        keys: HashMap<String, ByteSpan>,
        /// The key read and waiting for its value; `duplicate` when the key
        /// was seen before and its value is to be dropped.
        pending: Option<PendingKey>,
        start: ByteSpan,
        key: Option<ByteSpan>,
        anchor: usize,
        size: Size,
    },
    /// A mapping or sequence used as a mapping key: read and dropped.
    ComplexKey {
        depth: usize,
    },
}

struct PendingKey {
    name: String,
    span: ByteSpan,
    duplicate: bool,
}

struct Receiver<'a> {
    offsets: &'a CharOffsets,
    stack: Vec<Frame>,
    index: SpanIndex,
    anchors: HashMap<usize, (Value, Size)>,
    errors: Vec<LoadError>,
    documents: Vec<(Value, ByteSpan)>,
    /// Nodes and bytes the aliases have added so far.
    expanded: usize,
    expanded_bytes: usize,
    fatal: bool,
}

/// Where the next node goes: its path and its key span.
struct Slot {
    path: Pointer,
    key: Option<ByteSpan>,
    is_key: bool,
}

impl Receiver<'_> {
    fn error(&mut self, message: String, hint: Option<&str>, span: ByteSpan) {
        self.errors.push(LoadError { duplicate_key: false, message, hint: hint.map(str::to_owned), span, first: None });
    }

    fn slot(&self) -> Slot {
        match self.stack.last() {
            None => Slot { path: Pointer::root(), key: None, is_key: false },
            Some(Frame::Seq { path, items, .. }) => Slot { path: path.index(items.len()), key: None, is_key: false },
            Some(Frame::Map { path, pending: Some(k), .. }) => {
                Slot { path: path.key(&k.name), key: Some(k.span), is_key: false }
            }
            Some(Frame::Map { path, pending: None, .. }) => Slot { path: path.clone(), key: None, is_key: true },
            Some(Frame::ComplexKey { .. }) => Slot { path: Pointer::root(), key: None, is_key: true },
        }
    }

    /// Places a finished node in its parent (or as a document).
    fn place(&mut self, value: Value, span: ByteSpan, anchor: usize, size: Size) {
        if anchor > 0 {
            self.anchors.insert(anchor, (value.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.documents.push((value, span)),
            Some(Frame::Seq { items, size: total, .. }) => {
                total.add(size);
                items.push(value);
            }
            Some(Frame::Map { map, pending, size: total, .. }) => {
                total.add(size);
                if let Some(k) = pending.take()
                    && !k.duplicate
                {
                    map.insert(k.name, value);
                }
            }
            Some(Frame::ComplexKey { .. }) => {}
        }
    }

    /// Reads a key scalar into the current mapping.
    fn take_key(&mut self, name: &str, span: ByteSpan) {
        let mut dup_of = None;
        if let Some(Frame::Map { keys, pending, size, .. }) = self.stack.last_mut() {
            size.bytes = size.bytes.saturating_add(name.len());
            let duplicate = if let Some(first) = keys.get(name) {
                dup_of = Some(*first);
                true
            } else {
                keys.insert(name.to_owned(), span);
                false
            };
            *pending = Some(PendingKey { name: name.to_owned(), span, duplicate });
        }
        if let Some(first) = dup_of {
            self.errors.push(LoadError {
                duplicate_key: true,
                message: format!("key `{name}` is defined twice in this mapping"),
                hint: Some("keep one of the two; the first one is used".into()),
                span,
                first: Some(first),
            });
        }
    }

    fn scalar(&mut self, text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>, span: ByteSpan, anchor: usize) {
        let slot = self.slot();
        if slot.is_key {
            if matches!(self.stack.last(), Some(Frame::ComplexKey { .. })) {
                return;
            }
            self.take_key(&text, span);
            return;
        }
        let bytes = text.len();
        let value = match resolve_scalar(&text, style, tag) {
            Ok(v) => v,
            Err(msg) => {
                self.error(
                    msg,
                    Some("use a plain value or a `!!str`, `!!int`, `!!float`, `!!bool` or `!!null` tag"),
                    span,
                );
                Value::String(text.into_owned())
            }
        };
        self.index.insert(slot.path.as_str().to_owned(), NodeSpan { value: span, key: slot.key });
        self.place(value, span, anchor, Size { nodes: 1, bytes, height: 0 });
    }

    fn start_container(&mut self, seq: bool, anchor: usize, span: ByteSpan) {
        if let Some(Frame::ComplexKey { depth }) = self.stack.last_mut() {
            *depth += 1;
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.error(
                format!("mappings and sequences nest here more than {MAX_DEPTH} levels deep, the limit"),
                Some("a topology nests about ten levels: check the indentation and the brackets"),
                span,
            );
            self.fatal = true;
            return;
        }
        let slot = self.slot();
        if slot.is_key {
            self.error(
                "a mapping or sequence is used as a key; expected a plain name".into(),
                Some("keys in a topology are names such as `app-use1`"),
                span,
            );
            self.stack.push(Frame::ComplexKey { depth: 0 });
            return;
        }
        self.stack.push(if seq {
            Frame::Seq { path: slot.path, items: Vec::new(), start: span, key: slot.key, anchor, size: Size::default() }
        } else {
            Frame::Map {
                path: slot.path,
                map: Map::new(),
                keys: HashMap::new(),
                pending: None,
                start: span,
                key: slot.key,
                anchor,
                size: Size::default(),
            }
        });
    }

    fn end_container(&mut self, end: ByteSpan) {
        match self.stack.pop() {
            Some(Frame::ComplexKey { depth }) => {
                if depth > 0 {
                    self.stack.push(Frame::ComplexKey { depth: depth - 1 });
                } else {
                    // the dropped key still needs a name so its value can be read
                    self.take_key("<complex key>", end);
                }
            }
            Some(Frame::Seq { path, items, start, key, anchor, size }) => {
                let span = cover(start, end);
                self.index.insert(path.as_str().to_owned(), NodeSpan { value: span, key });
                self.place(Value::Array(items), span, anchor, size.container());
            }
            Some(Frame::Map { path, map, start, key, anchor, size, .. }) => {
                let span = cover(start, end);
                self.index.insert(path.as_str().to_owned(), NodeSpan { value: span, key });
                self.place(Value::Object(map), span, anchor, size.container());
            }
            None => {}
        }
    }

    fn alias(&mut self, id: usize, span: ByteSpan) {
        let slot = self.slot();
        let Some(size) = self.anchors.get(&id).map(|(_, s)| *s) else {
            self.error("an alias refers to an anchor that is not defined".into(), None, span);
            return;
        };
        // count before cloning, so that a bomb is refused before it is built
        self.expanded = self.expanded.saturating_add(size.nodes);
        self.expanded_bytes = self.expanded_bytes.saturating_add(size.bytes);
        let past = if self.expanded > MAX_EXPANDED_NODES {
            Some(format!(
                "aliases expand this document past {} nodes, the limit (this one repeats {})",
                thousands(MAX_EXPANDED_NODES as u64),
                thousands(size.nodes as u64)
            ))
        } else if self.expanded_bytes > MAX_EXPANDED_BYTES {
            Some(format!(
                "aliases expand this document past {} bytes (64 MiB) of keys and values, the limit (this one repeats {} bytes)",
                thousands(MAX_EXPANDED_BYTES as u64),
                thousands(size.bytes as u64)
            ))
        } else if self.stack.len().saturating_add(size.height) > MAX_DEPTH {
            Some(format!(
                "this alias nests mappings and sequences more than {MAX_DEPTH} levels deep, the limit (it adds {} levels here, at level {})",
                size.height,
                self.stack.len()
            ))
        } else {
            None
        };
        if let Some(message) = past {
            self.error(message, Some("a topology does not need nested aliases; write the values out"), span);
            self.fatal = true;
            return;
        }
        let value = self.anchors.get(&id).map_or(Value::Null, |(v, _)| v.clone());
        if slot.is_key {
            match value {
                Value::String(s) => self.take_key(&s, span),
                _ => self.error("an alias used as a key must name a plain string".into(), None, span),
            }
            return;
        }
        self.index.insert(slot.path.as_str().to_owned(), NodeSpan { value: span, key: slot.key });
        self.place(value, span, 0, size);
    }
}

fn cover(start: ByteSpan, end: ByteSpan) -> ByteSpan {
    let stop = (end.offset + end.len).max(start.offset + start.len);
    ByteSpan::new(start.offset, stop - start.offset)
}

impl<'input> SpannedEventReceiver<'input> for Receiver<'_> {
    fn on_event(&mut self, ev: Event<'input>, span: Span) {
        if self.fatal {
            return;
        }
        let bspan = self.offsets.span(span);
        match ev {
            Event::Scalar(text, style, anchor, tag) => self.scalar(text, style, tag.as_deref(), bspan, anchor),
            Event::SequenceStart(anchor, _) => self.start_container(true, anchor, bspan),
            Event::MappingStart(anchor, _) => self.start_container(false, anchor, bspan),
            Event::SequenceEnd | Event::MappingEnd => self.end_container(bspan),
            Event::Alias(id) => self.alias(id, bspan),
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {}
        }
    }
}

/// Resolves a scalar by the YAML 1.2 core schema; quoted and block scalars
/// are always strings.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag {
        if !tag.is_yaml_core_schema() {
            return Err(format!("unsupported tag `{tag}`"));
        }
        let parsed = match tag.suffix.as_str() {
            "str" => Some(Value::String(text.to_owned())),
            "null" => is_null(text).then_some(Value::Null),
            "bool" => parse_bool(text).map(Value::Bool),
            "int" => parse_int(text),
            "float" => parse_float(text).or_else(|| parse_int(text)),
            other => return Err(format!("unsupported tag `!!{other}`")),
        };
        return parsed.ok_or_else(|| format!("`{text}` is not a valid `{tag}`"));
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_owned()));
    }
    if is_null(text) {
        return Ok(Value::Null);
    }
    if let Some(b) = parse_bool(text) {
        return Ok(Value::Bool(b));
    }
    Ok(parse_int(text).or_else(|| parse_float(text)).unwrap_or_else(|| Value::String(text.to_owned())))
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn parse_int(s: &str) -> Option<Value> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = if let Some(oct) = s.strip_prefix("0o") {
        u64::from_str_radix(oct, 8).ok()?
    } else if let Some(hex) = s.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()?
    } else {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match digits.parse::<u64>() {
            Ok(v) => v,
            // too large for an integer: keep it as a float, as YAML would
            Err(_) => return s.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number),
        }
    };
    if neg {
        let v = i64::try_from(magnitude).ok()?.checked_neg()?;
        Some(Value::Number(v.into()))
    } else {
        Some(Value::Number(magnitude.into()))
    }
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`; `.inf` and `.nan`
/// have no JSON form and stay strings.
fn parse_float(s: &str) -> Option<Value> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mantissa, None),
    };
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    s.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::fmt::Write as _;

    fn value(text: &str) -> Value {
        let (v, _, errors) = load(text);
        assert!(errors.is_empty(), "{errors:?}");
        v.unwrap()
    }

    #[test]
    fn core_schema_scalars() {
        let v = value("a: 1\nb: '1'\nc: yes\nd: true\ne: ~\nf: 1.5\ng: 0x10\nh: 012\ni: .inf\nj: \"111111111111\"\n");
        assert_eq!(
            v,
            json!({"a": 1, "b": "1", "c": "yes", "d": true, "e": null, "f": 1.5, "g": 16, "h": 12, "i": ".inf", "j": "111111111111"})
        );
    }

    #[test]
    fn json_is_read_too() {
        let v = value("{\n  \"vpcs\": {\"a\": {\"size\": 20, \"azs\": [\"use1-az1\"]}}\n}\n");
        assert_eq!(v, json!({"vpcs": {"a": {"size": 20, "azs": ["use1-az1"]}}}));
    }

    #[test]
    fn spans_point_at_values_and_keys() {
        let text = "vpcs:\n  app:\n    cidr: 10.0.0.0/16\n";
        let (_, index, _) = load(text);
        let v = index.value("/vpcs/app/cidr");
        assert_eq!(&text[v.offset..v.offset + v.len], "10.0.0.0/16");
        let k = index.key("/vpcs/app");
        assert_eq!(&text[k.offset..k.offset + k.len], "app");
        // a path with no node of its own falls back to its parent
        assert_eq!(index.value("/vpcs/app/cidr/missing"), v);
    }

    #[test]
    fn spans_are_bytes_in_unicode_text() {
        let text = "name: \"é\"\nx: abc\n";
        let (_, index, _) = load(text);
        let v = index.value("/x");
        assert_eq!(&text[v.offset..v.offset + v.len], "abc");
    }

    #[test]
    fn duplicate_keys_are_reported_and_first_wins() {
        let text = "a: 1\nb: 2\na: 3\n";
        let (v, _, errors) = load(text);
        assert_eq!(v.unwrap(), json!({"a": 1, "b": 2}));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].duplicate_key);
        assert_eq!(errors[0].span.offset, 10);
        assert_eq!(errors[0].first.unwrap().offset, 0);
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let (v, _, errors) = load("a: [1, 2\nb: 3\n");
        assert!(v.is_none());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("does not parse"));
    }

    #[test]
    fn aliases_expand_but_not_without_bound() {
        assert_eq!(value("a: &x [1, 2]\nb: *x\n"), json!({"a": [1, 2], "b": [1, 2]}));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let p = i - 1;
            let _ =
                writeln!(bomb, "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]");
        }
        let (v, _, errors) = load(&bomb);
        assert!(v.is_none());
        assert!(errors.iter().any(|e| e.message.contains("aliases expand")));
    }

    #[test]
    fn aliases_are_bounded_in_bytes_before_they_are_built() {
        // one 1 MiB string repeated 64 times is 64 nodes and 64 MiB
        let text = |n: usize| format!("s: &s \"{}\"\nl: [{}]\n", "y".repeat(1 << 20), vec!["*s"; n].join(", "));
        let (v, _, errors) = load(&text(62));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(v.unwrap()["l"].as_array().map(Vec::len), Some(62));
        // 64 MiB exactly is allowed; the 65th alias crosses the limit
        assert!(load(&text(64)).2.is_empty());
        let (v, _, errors) = load(&text(65));
        assert!(v.is_none());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.starts_with("aliases expand this document past 67,108,864 bytes"), "{errors:?}");
        assert!(errors[0].message.ends_with("(this one repeats 1,048,576 bytes)"), "{errors:?}");
        // at the alias that crossed it
        let at = text(65).match_indices("*s").nth(64).map(|(i, _)| i);
        assert_eq!(Some(errors[0].span.offset), at);
    }

    #[test]
    fn nesting_is_bounded_in_depth() {
        let nested = |n: usize| "- ".repeat(n) + "x\n";
        assert!(load(&nested(MAX_DEPTH)).2.is_empty());
        let (v, _, errors) = load(&nested(MAX_DEPTH + 1));
        assert!(v.is_none());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "mappings and sequences nest here more than 64 levels deep, the limit");
        assert_eq!(errors[0].span.offset, 2 * MAX_DEPTH);
        // far deeper than the stack holds (saphyr's own loader overflowed it)
        assert!(load(&nested(1_000_000)).0.is_none());
        let maps: String = (0..10_000).map(|i| " ".repeat(i) + "k:\n").collect();
        assert!(load(&maps).2[0].message.contains("more than 64 levels deep"));
        // an alias that would nest its value past the limit is refused too
        let half = MAX_DEPTH / 2 + 1;
        let text = format!("a: &a {}x\nb: {}*a\n", "- ".repeat(half).replace("- ", "[").trim_end(), "[".repeat(half));
        let text = text.replacen('x', &format!("x{}", "]".repeat(half)), 1);
        let text = text.replacen("*a", &format!("*a{}", "]".repeat(half)), 1);
        let (v, _, errors) = load(&text);
        assert!(v.is_none(), "{text}");
        assert!(errors.iter().any(|e| e.message.starts_with("this alias nests mappings and sequences more than 64")));
    }

    #[test]
    fn text_past_the_size_limit_is_refused_unread() {
        let (v, index, errors) = load(&" ".repeat(MAX_INPUT_BYTES + 1));
        assert!(v.is_none() && index.is_empty());
        assert_eq!(
            errors[0].message,
            "the file is 67,108,865 bytes; the limit is 67,108,864 bytes (64 MiB), and nothing past it is read"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
    }

    #[test]
    fn a_second_document_is_refused() {
        let (_, _, errors) = load("a: 1\n---\nb: 2\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("second YAML document"));
    }

    #[test]
    fn complex_keys_are_refused() {
        let (_, _, errors) = load("? [a, b]\n: 1\nc: 2\n");
        assert!(errors.iter().any(|e| e.message.contains("used as a key")));
    }
}
