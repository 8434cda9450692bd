//! Byte offset → (line, column), both 1-based, columns counted in characters.

#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Whether each line is ASCII, where a column is a byte count: a long
    /// line (minified JSON) is then never counted again per finding.
    ascii: Vec<bool>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let ascii = starts
            .iter()
            .zip(starts.iter().skip(1).copied().chain([text.len()]))
            .map(|(&a, b)| text.as_bytes().get(a..b).is_some_and(<[u8]>::is_ascii))
            .collect();
        Self { starts, ascii }
    }

    /// 1-based line and column of a byte offset of `text`.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset) + 1;
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let end = offset.min(text.len()).max(start);
        let column = if self.ascii.get(line - 1).copied().unwrap_or(false) {
            end - start
        } else {
            text.get(start..end).map_or(end - start, |s| s.chars().count())
        };
        (line, column + 1)
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// The byte range of 0-based line `line` of `text`, without its line
    /// break (`\n` or `\r\n`).
    pub fn line_range(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts.get(line).copied().unwrap_or(text.len()).min(text.len());
        let mut end = self.starts.get(line + 1).map_or(text.len(), |&s| s - 1).max(start);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start, end)
    }

    /// Whether 0-based line `line` is ASCII.
    pub fn is_ascii(&self, line: usize) -> bool {
        self.ascii.get(line).copied().unwrap_or(false)
    }

    /// How many lines the text has (an empty text has one, empty).
    pub fn count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let t = "ab\ncdé\nf";
        let l = LineIndex::new(t);
        assert_eq!(l.position(t, 0), (1, 1));
        assert_eq!(l.position(t, 1), (1, 2));
        assert_eq!(l.position(t, 3), (2, 1));
        // 'f' is after a two-byte 'é': still column 1 of line 3
        assert_eq!(l.position(t, t.len() - 1), (3, 1));
        assert_eq!(l.position(t, t.len()), (3, 2));
        assert_eq!((l.line_of(0), l.line_of(2), l.line_of(3), l.line_of(99)), (0, 0, 1, 2));
        assert_eq!(l.line_range(t, 1), (3, 7));
        assert_eq!(l.line_range(t, 2), (8, 9));
        assert!(l.is_ascii(0) && !l.is_ascii(1) && l.is_ascii(2));
        let crlf = "a\r\nbc\r\n";
        let l = LineIndex::new(crlf);
        assert_eq!((l.line_range(crlf, 0), l.line_range(crlf, 1), l.line_range(crlf, 2)), ((0, 1), (3, 5), (7, 7)));
        assert_eq!(l.position(crlf, 4), (2, 2));
    }
}
