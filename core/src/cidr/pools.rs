//! VPC allocation from `addressing.pools`.
//!
//! Requests are served largest first, then by name, so the result depends
//! only on the set of requests and what is already taken, never on the
//! order of the `vpcs` map. Each request takes the first pool (in file
//! order) that serves its region and has room.

use super::{FreeSpace, Ipv4Net};

/// One VPC asking for a `/prefix` in `region`.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub name: &'a str,
    pub region: &'a str,
    pub prefix: u8,
}

/// A pool: its range and the regions it serves (`None`: all).
#[derive(Clone, Debug)]
pub struct PoolRange<'a> {
    pub net: Ipv4Net,
    pub regions: Option<&'a [String]>,
}

/// Why a request got nothing: the pools that serve its region, with their
/// free addresses and largest free block at the time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoRoom {
    pub tried: Vec<(Ipv4Net, u64, Option<u8>)>,
}

/// Allocates every request; `taken` (fixed VPCs, reserved and locked ranges)
/// is avoided.
pub fn allocate<'a>(
    pools: &[PoolRange<'_>],
    taken: &[Ipv4Net],
    mut requests: Vec<Request<'a>>,
) -> Vec<(&'a str, Result<Ipv4Net, NoRoom>)> {
    let mut spaces: Vec<FreeSpace> = pools
        .iter()
        .map(|p| {
            let mut f = FreeSpace::new(p.net);
            for t in taken.iter().filter(|t| t.overlaps(p.net)) {
                f.take(*t);
            }
            f
        })
        .collect();
    requests.sort_by(|a, b| (a.prefix, a.name).cmp(&(b.prefix, b.name)));
    requests
        .into_iter()
        .map(|r| {
            let serves = |p: &PoolRange<'_>| p.regions.is_none_or(|rs| rs.iter().any(|x| x == r.region));
            let mut got = None;
            for (pool, space) in pools.iter().zip(spaces.iter_mut()) {
                if serves(pool) {
                    got = space.allocate(r.prefix);
                    if got.is_some() {
                        break;
                    }
                }
            }
            let result = match got {
                Some(net) => {
                    // pools are disjoint, but keep every space honest anyway
                    for (pool, space) in pools.iter().zip(spaces.iter_mut()) {
                        if pool.net.overlaps(net) {
                            space.take(net);
                        }
                    }
                    Ok(net)
                }
                None => Err(NoRoom {
                    tried: pools
                        .iter()
                        .zip(spaces.iter())
                        .filter(|(p, _)| serves(p))
                        .map(|(p, s)| (p.net, s.free_addresses(), s.largest_free()))
                        .collect(),
                }),
            };
            (r.name, result)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn largest_first_then_by_name_whatever_the_input_order() {
        let pools = [PoolRange { net: n("10.0.0.0/16"), regions: None }];
        let reqs = vec![
            Request { name: "b", region: "r", prefix: 24 },
            Request { name: "a", region: "r", prefix: 24 },
            Request { name: "c", region: "r", prefix: 20 },
        ];
        let mut rev = reqs.clone();
        rev.reverse();
        let one = allocate(&pools, &[], reqs);
        let two = allocate(&pools, &[], rev);
        assert_eq!(one, two);
        assert_eq!(one[0], ("c", Ok(n("10.0.0.0/20"))));
        assert_eq!(one[1], ("a", Ok(n("10.0.16.0/24"))));
        assert_eq!(one[2], ("b", Ok(n("10.0.17.0/24"))));
    }

    #[test]
    fn regions_and_taken_ranges_are_honoured() {
        let eu = vec!["eu-west-1".to_owned()];
        let pools = [
            PoolRange { net: n("10.0.0.0/16"), regions: Some(&eu) },
            PoolRange { net: n("10.1.0.0/16"), regions: None },
        ];
        let got = allocate(&pools, &[n("10.1.0.0/20")], vec![Request { name: "us", region: "us-east-1", prefix: 20 }]);
        assert_eq!(got[0], ("us", Ok(n("10.1.16.0/20"))));
    }

    #[test]
    fn no_room_says_what_was_free() {
        let pools = [PoolRange { net: n("10.0.0.0/20"), regions: None }];
        let got = allocate(
            &pools,
            &[],
            vec![Request { name: "a", region: "r", prefix: 20 }, Request { name: "b", region: "r", prefix: 24 }],
        );
        assert_eq!(got[1], ("b", Err(NoRoom { tried: vec![(n("10.0.0.0/20"), 0, None)] })));
    }
}
