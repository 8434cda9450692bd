//! JSON pointers (RFC 6901) built segment by segment.

use std::fmt;

/// Escapes one pointer segment: `~` → `~0`, `/` → `~1`.
pub fn escape_segment(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['~', '/']) { s.replace('~', "~0").replace('/', "~1").into() } else { s.into() }
}

/// A JSON pointer such as `/vpcs/app-use1/cidr`; the root is `""`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Self(String::new())
    }

    /// The pointer one key deeper.
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut s = String::with_capacity(self.0.len() + key.len() + 1);
        s.push_str(&self.0);
        s.push('/');
        s.push_str(&escape_segment(key));
        Self(s)
    }

    /// The pointer one index deeper.
    #[must_use]
    pub fn index(&self, i: usize) -> Self {
        Self(format!("{}/{}", self.0, i))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Builds a pointer from unescaped segments.
    pub fn from_segments<'a>(segments: impl IntoIterator<Item = &'a str>) -> Self {
        segments.into_iter().fold(Self::root(), |p, s| p.key(s))
    }

    pub fn from_raw(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slash_and_tilde() {
        let p = Pointer::root().key("vpcs").key("a/b~c").index(2);
        assert_eq!(p.as_str(), "/vpcs/a~1b~0c/2");
    }
}
