//! Subnets of one VPC: one per tier and AZ ID.
//!
//! Defaults a network engineer would choose: `transit` /28 (a TGW attachment
//! needs a few addresses and nothing else should live there); `endpoints`
//! sized for twice the VPC's endpoint ENIs plus the 5 addresses AWS reserves,
//! at least /28, so endpoints can be added without moving the subnet;
//! `workload` takes the largest power-of-two block per AZ that still fits
//! with the other tiers, leaving the rest of the VPC free for later tiers.
//! Locked subnets stay where they are; `auto` sizes of a locked tier are the
//! locked size, so a new AZ gets a subnet like its siblings.

use super::{FreeSpace, Net};
use crate::spec::SubnetSize;
use crate::validate::tier_rank;
use std::collections::BTreeMap;

/// AWS reserves five addresses in every subnet.
pub const AWS_RESERVED: u64 = 5;
/// Subnet prefix lengths AWS accepts.
pub const SUBNET_PREFIXES: std::ops::RangeInclusive<u8> = 16..=28;

pub struct SubnetInput<'a> {
    pub vpc: Net,
    pub azs: &'a [String],
    /// Tiers in layout order with their sizes (defaults filled in).
    pub tiers: &'a [(String, SubnetSize)],
    /// Interface endpoint ENIs per AZ.
    pub enis: u32,
    /// Locked subnets of this VPC, by (tier, AZ).
    pub locked: Option<&'a BTreeMap<(String, String), Net>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subnet {
    pub tier: String,
    pub az: String,
    pub cidr: Net,
    /// True when the subnet came from the lock.
    pub locked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubnetError {
    /// LP024: a tier's subnet is larger than the VPC.
    LargerThanVpc { tier: String, prefix: u8 },
    /// LP024: the tiers do not fit; addresses needed and available.
    DoesNotFit { needed: u64, available: u64 },
    /// LP025: the endpoints subnet cannot hold its ENIs.
    EndpointsTooSmall { tier: String, prefix: u8, enis: u32 },
    /// LP026: a locked subnet would change size.
    LockedSizeChanged { tier: String, az: String, locked: Net, wanted: u8 },
}

/// The smallest endpoints subnet with room for twice its ENIs.
fn endpoints_auto(enis: u32) -> u8 {
    let want = 2 * u64::from(enis) + AWS_RESERVED;
    let mut p = 28u8;
    while p > 16 && (1u64 << (32 - p)) < want {
        p -= 1;
    }
    p
}

fn size_of(prefix: u8) -> u64 {
    1u64 << (32 - u32::from(prefix.min(32)))
}

/// Plans the subnets of one VPC.
pub fn plan(input: &SubnetInput<'_>) -> (Vec<Subnet>, Vec<SubnetError>) {
    let mut errors = Vec::new();
    let n_az = input.azs.len() as u64;
    let locked_prefix =
        |tier: &str| input.locked.and_then(|l| l.iter().find(|((t, _), _)| t == tier).map(|(_, n)| n.prefix()));

    // 1. per-AZ prefix of every tier but an auto workload
    let mut prefixes: Vec<(String, Option<u8>)> = Vec::new();
    for (tier, size) in input.tiers {
        let p = match size {
            SubnetSize::Prefix(p) => Some(u8::try_from(*p).unwrap_or(u8::MAX)),
            SubnetSize::Auto(_) if tier == "endpoints" => {
                Some(locked_prefix(tier).unwrap_or_else(|| endpoints_auto(input.enis)))
            }
            SubnetSize::Auto(_) => locked_prefix(tier),
        };
        if tier == "endpoints"
            && let Some(p) = p
            && size_of(p) < u64::from(input.enis) + AWS_RESERVED
        {
            errors.push(SubnetError::EndpointsTooSmall { tier: tier.clone(), prefix: p, enis: input.enis });
        }
        prefixes.push((tier.clone(), p));
    }
    // 2. auto tiers (the workload) share what is left, equally per AZ
    let fixed_total: u64 = prefixes.iter().filter_map(|(_, p)| *p).map(|p| n_az * size_of(p)).sum();
    let autos = prefixes.iter().filter(|(_, p)| p.is_none()).count() as u64;
    if autos > 0 {
        let left = input.vpc.size().saturating_sub(fixed_total);
        let per = left / (n_az.max(1) * autos);
        let fitting = (16..=32u8).rev().map(|p| (p, size_of(p))).take_while(|(_, s)| *s <= per).last();
        match fitting.map(|(p, _)| p.max(input.vpc.prefix())) {
            Some(p) if p <= 28 => {
                for (_, slot) in prefixes.iter_mut().filter(|(_, p)| p.is_none()) {
                    *slot = Some(p);
                }
            }
            _ => {
                errors.push(SubnetError::DoesNotFit {
                    needed: fixed_total + n_az * autos * 16,
                    available: input.vpc.size(),
                });
                return (Vec::new(), errors);
            }
        }
    }
    let prefixes: Vec<(String, u8)> = prefixes.into_iter().map(|(t, p)| (t, p.unwrap_or(28))).collect();
    for (tier, p) in &prefixes {
        if *p < input.vpc.prefix() {
            errors.push(SubnetError::LargerThanVpc { tier: tier.clone(), prefix: *p });
        }
    }
    if errors.iter().any(|e| matches!(e, SubnetError::LargerThanVpc { .. })) {
        return (Vec::new(), errors);
    }

    // 3. locked subnets stay; the rest are laid out largest first
    let mut free = FreeSpace::new(input.vpc);
    for net in input.locked.into_iter().flat_map(|l| l.values()) {
        free.take(*net);
    }
    let mut out = Vec::new();
    let mut wanted = Vec::new();
    for (rank, (tier, p)) in prefixes.iter().enumerate() {
        for (ai, az) in input.azs.iter().enumerate() {
            match input.locked.and_then(|l| l.get(&(tier.clone(), az.clone()))) {
                Some(net) if net.prefix() == *p => {
                    out.push(Subnet { tier: tier.clone(), az: az.clone(), cidr: *net, locked: true })
                }
                Some(net) => errors.push(SubnetError::LockedSizeChanged {
                    tier: tier.clone(),
                    az: az.clone(),
                    locked: *net,
                    wanted: *p,
                }),
                None => wanted.push((*p, rank, ai, tier, az)),
            }
        }
    }
    wanted.sort();
    let needed: u64 = wanted.iter().map(|(p, ..)| size_of(*p)).sum();
    let available = free.free_addresses();
    for (p, _, _, tier, az) in wanted {
        match free.allocate(p) {
            Some(cidr) => out.push(Subnet { tier: tier.clone(), az: az.clone(), cidr, locked: false }),
            None => {
                errors.push(SubnetError::DoesNotFit { needed, available });
                break;
            }
        }
    }
    let az_pos = |az: &str| input.azs.iter().position(|a| a == az).unwrap_or(usize::MAX);
    out.sort_by(|a, b| (tier_rank(&a.tier), &a.tier, az_pos(&a.az)).cmp(&(tier_rank(&b.tier), &b.tier, az_pos(&b.az))));
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::AutoWord;

    const AUTO: SubnetSize = SubnetSize::Auto(AutoWord::Auto);

    fn n(s: &str) -> Net {
        s.parse().unwrap()
    }

    fn azs(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("use1-az{i}")).collect()
    }

    fn tiers(transit: bool) -> Vec<(String, SubnetSize)> {
        let mut t = vec![("workload".to_owned(), AUTO), ("endpoints".to_owned(), AUTO)];
        if transit {
            t.push(("transit".to_owned(), SubnetSize::Prefix(28)));
        }
        t
    }

    #[test]
    fn defaults_for_a_slash_20_over_two_azs() {
        let a = azs(2);
        let t = tiers(true);
        let (subnets, errors) = plan(&SubnetInput { vpc: n("10.0.0.0/20"), azs: &a, tiers: &t, enis: 2, locked: None });
        assert!(errors.is_empty(), "{errors:?}");
        let got: Vec<String> = subnets.iter().map(|s| format!("{} {} {}", s.tier, s.az, s.cidr)).collect();
        assert_eq!(
            got,
            [
                "workload use1-az1 10.0.0.0/22",
                "workload use1-az2 10.0.4.0/22",
                "endpoints use1-az1 10.0.8.0/28",
                "endpoints use1-az2 10.0.8.16/28",
                "transit use1-az1 10.0.8.32/28",
                "transit use1-az2 10.0.8.48/28",
            ]
        );
    }

    #[test]
    fn endpoints_grow_with_their_enis() {
        assert_eq!(endpoints_auto(0), 28);
        assert_eq!(endpoints_auto(5), 28); // 2*5 + 5 = 15 fits a /28
        assert_eq!(endpoints_auto(6), 27);
        assert_eq!(endpoints_auto(50), 25);
    }

    #[test]
    fn explicit_endpoint_subnet_too_small_is_lp025() {
        let a = azs(1);
        let t = vec![("workload".to_owned(), AUTO), ("endpoints".to_owned(), SubnetSize::Prefix(28))];
        let (_, errors) = plan(&SubnetInput { vpc: n("10.0.0.0/24"), azs: &a, tiers: &t, enis: 12, locked: None });
        assert_eq!(errors, [SubnetError::EndpointsTooSmall { tier: "endpoints".into(), prefix: 28, enis: 12 }]);
    }

    #[test]
    fn tiers_that_do_not_fit_are_lp024() {
        let a = azs(3);
        let t = vec![("workload".to_owned(), SubnetSize::Prefix(26)), ("endpoints".to_owned(), SubnetSize::Prefix(26))];
        let (_, errors) = plan(&SubnetInput { vpc: n("10.0.0.0/25"), azs: &a, tiers: &t, enis: 1, locked: None });
        assert!(matches!(errors[..], [SubnetError::DoesNotFit { .. }]), "{errors:?}");
        let t = vec![("workload".to_owned(), SubnetSize::Prefix(16))];
        let (_, errors) = plan(&SubnetInput { vpc: n("10.0.0.0/20"), azs: &a, tiers: &t, enis: 1, locked: None });
        assert_eq!(errors, [SubnetError::LargerThanVpc { tier: "workload".into(), prefix: 16 }]);
    }

    #[test]
    fn a_new_az_of_a_locked_vpc_moves_nothing() {
        let two = azs(2);
        let t = tiers(false);
        let (first, _) = plan(&SubnetInput { vpc: n("10.0.0.0/20"), azs: &two, tiers: &t, enis: 1, locked: None });
        let locked: BTreeMap<_, _> = first.iter().map(|s| ((s.tier.clone(), s.az.clone()), s.cidr)).collect();
        let three = azs(3);
        let (second, errors) =
            plan(&SubnetInput { vpc: n("10.0.0.0/20"), azs: &three, tiers: &t, enis: 1, locked: Some(&locked) });
        assert!(errors.is_empty(), "{errors:?}");
        for s in &first {
            assert!(second.contains(&Subnet { locked: true, ..s.clone() }), "{s:?} moved");
        }
        let new: Vec<_> = second.iter().filter(|s| !s.locked).collect();
        assert_eq!(new.len(), 2);
        // the new workload subnet has its locked siblings' size
        assert!(new.iter().any(|s| s.tier == "workload" && s.cidr.prefix() == 22));
    }

    #[test]
    fn a_locked_subnet_that_would_change_size_is_lp026() {
        let a = azs(1);
        let t = vec![("workload".to_owned(), SubnetSize::Prefix(24))];
        let locked = BTreeMap::from([(("workload".to_owned(), "use1-az1".to_owned()), n("10.0.0.0/22"))]);
        let (_, errors) =
            plan(&SubnetInput { vpc: n("10.0.0.0/20"), azs: &a, tiers: &t, enis: 0, locked: Some(&locked) });
        assert_eq!(
            errors,
            [SubnetError::LockedSizeChanged {
                tier: "workload".into(),
                az: "use1-az1".into(),
                locked: n("10.0.0.0/22"),
                wanted: 24
            }]
        );
    }
}
