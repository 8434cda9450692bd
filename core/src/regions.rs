//! The built-in table of AWS commercial regions and their AZ IDs
//! (data and sources in `regions_data.rs`).

#[path = "regions_data.rs"]
mod data;

/// The AZ IDs of `region`, in order; `None` for an unknown region.
pub fn azs(region: &str) -> Option<&'static [&'static str]> {
    data::REGIONS
        .binary_search_by(|(r, _)| (*r).cmp(region))
        .ok()
        .and_then(|i| data::REGIONS.get(i))
        .map(|(_, azs)| *azs)
}

/// Every region code.
pub fn names() -> impl Iterator<Item = &'static str> {
    data::REGIONS.iter().map(|(r, _)| *r)
}

/// The region an AZ ID belongs to, if any.
pub fn region_of_az(az: &str) -> Option<&'static str> {
    data::REGIONS.iter().find(|(_, azs)| azs.contains(&az)).map(|(r, _)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_consistent() {
        let names: Vec<_> = names().collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "REGIONS must be sorted and unique for binary search");
        for (region, azs) in data::REGIONS {
            assert!(!azs.is_empty(), "{region}");
            // every AZ ID of a region shares one prefix, e.g. `use1-`
            let prefix = azs[0].split_once("-az").unwrap().0;
            assert!(azs.iter().all(|a| a.starts_with(&format!("{prefix}-az"))), "{region}");
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(azs("us-east-1").map(|a| a[0]), Some("use1-az1"));
        assert_eq!(azs("ap-southeast-1").map(<[&str]>::len), Some(3));
        assert!(azs("us-east-9").is_none());
        assert_eq!(region_of_az("apse1-az2"), Some("ap-southeast-1"));
        assert!(!azs("us-west-1").unwrap().contains(&"usw1-az2"));
    }
}
