//! Byte offset → (line, column), both 1-based, columns counted in characters.

#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    /// 1-based line and column of a byte offset of `text`.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let end = offset.min(text.len());
        let column = text.get(start..end).map_or(end - start, |s| s.chars().count()) + 1;
        (line, column)
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
    }
}
