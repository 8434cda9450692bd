//! Exact aggregation: the fewest CIDRs that cover a set of CIDRs and not one
//! address more (adjacent and nested blocks merge; gaps stay gaps).

use super::Ipv4Net;

pub fn aggregate(nets: &[Ipv4Net]) -> Vec<Ipv4Net> {
    let mut ranges: Vec<(u64, u64)> = nets.iter().map(|n| (n.start(), n.end())).collect();
    ranges.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some((_, le)) if s <= *le => *le = (*le).max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = Vec::new();
    for (mut s, e) in merged {
        while s < e {
            // the largest aligned block starting at s that stays below e
            let align = if s == 0 { 32 } else { s.trailing_zeros().min(32) };
            let mut bits = align;
            while bits > 0 && s + (1u64 << bits) > e {
                bits -= 1;
            }
            let prefix = u8::try_from(32 - bits).unwrap_or(32);
            out.push(Ipv4Net::new_trunc(u32::try_from(s).unwrap_or(u32::MAX), prefix));
            s += 1u64 << bits;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn merges_buddies_and_nested_blocks_only() {
        let got = aggregate(&[n("10.0.1.0/24"), n("10.0.0.0/24"), n("10.0.0.128/25"), n("10.0.3.0/24")]);
        assert_eq!(got, [n("10.0.0.0/23"), n("10.0.3.0/24")]);
        // 10.0.1.0/24 + 10.0.2.0/24 are adjacent but not one aligned block
        assert_eq!(aggregate(&[n("10.0.1.0/24"), n("10.0.2.0/24")]), [n("10.0.1.0/24"), n("10.0.2.0/24")]);
        assert_eq!(aggregate(&[n("0.0.0.0/1"), n("128.0.0.0/1")]), [n("0.0.0.0/0")]);
        assert!(aggregate(&[]).is_empty());
    }
}
