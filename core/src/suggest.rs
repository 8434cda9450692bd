//! "Did you mean …?" for names that do not exist.
use std::fmt::Write as _;

/// The candidate closest to `word`, when it is close enough to be a typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` or nothing.
pub fn hint_for<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// `a, b, c` (at most `max` shown).
pub fn list(names: impl IntoIterator<Item = impl AsRef<str>>, max: usize) -> String {
    let mut out = Vec::new();
    let mut more = 0;
    for (i, n) in names.into_iter().enumerate() {
        if i < max {
            out.push(format!("`{}`", n.as_ref()));
        } else {
            more += 1;
        }
    }
    let mut s = out.join(", ");
    if more > 0 {
        let _ = write!(s, " and {more} more");
    }
    if s.is_empty() { "(none)".to_owned() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_not_strangers() {
        let c = ["account", "region", "cidr", "size", "azs"];
        assert_eq!(did_you_mean("regoin", c), Some("region"));
        assert_eq!(did_you_mean("cidrr", c), Some("cidr"));
        assert_eq!(did_you_mean("bandwidth", c), None);
        assert_eq!(did_you_mean("app-use2", ["app-use1", "ml-use1"]), Some("app-use1"));
    }

    #[test]
    fn lists_are_bounded() {
        assert_eq!(list(["a", "b", "c"], 2), "`a`, `b` and 1 more");
        assert_eq!(list(Vec::<String>::new(), 2), "(none)");
    }
}
