//! Source text and where each value of it stands.
//!
//! The topology is read into a `serde_json::Value` (YAML and JSON share one
//! parser) together with a [`SpanIndex`]: JSON-pointer path → byte span of
//! the value and of its key. Every later stage reports findings by path, and
//! the index turns the path into a file, line and column.

mod lines;
mod pointer;
mod yaml;

pub use lines::LineIndex;
pub use pointer::{Pointer, escape_segment};
pub use yaml::{
    LoadError, MAX_DEPTH, MAX_EXPANDED_BYTES, MAX_EXPANDED_NODES, MAX_INPUT_BYTES, load, not_utf8, thousands, too_large,
};

use std::collections::HashMap;

/// A byte range in one source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ByteSpan {
    pub offset: usize,
    pub len: usize,
}

impl ByteSpan {
    pub fn new(offset: usize, len: usize) -> Self {
        Self { offset, len }
    }
}

/// Where a node stands: its value, and its key when it is a mapping entry.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeSpan {
    pub value: ByteSpan,
    pub key: Option<ByteSpan>,
}

/// JSON pointer → span of every node of a document.
#[derive(Debug, Default)]
pub struct SpanIndex {
    nodes: HashMap<String, NodeSpan>,
}

impl SpanIndex {
    pub(crate) fn insert(&mut self, path: String, span: NodeSpan) {
        self.nodes.insert(path, span);
    }

    /// The span of the value at `path`, or of its nearest ancestor that has
    /// one (values expanded from YAML aliases have no span of their own).
    pub fn value(&self, path: &str) -> ByteSpan {
        self.lookup(path).map(|n| n.value).unwrap_or_default()
    }

    /// The span of the key at `path`, falling back to its value.
    pub fn key(&self, path: &str) -> ByteSpan {
        self.lookup(path).map(|n| n.key.unwrap_or(n.value)).unwrap_or_default()
    }

    fn lookup(&self, path: &str) -> Option<&NodeSpan> {
        let mut p = path;
        loop {
            if let Some(n) = self.nodes.get(p) {
                return Some(n);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}
