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
//!
//! Three steps: the prefix of every sized tier, then the share of the
//! `auto` tiers, then the layout (locked subnets first, the rest largest
//! first).

use super::{FreeSpace, Ipv4Net, block_size};
use crate::spec::{SubnetSize, Tier};
use std::collections::BTreeMap;

/// AWS reserves five addresses in every subnet.
pub const AWS_RESERVED: u64 = 5;
/// Subnet prefix lengths AWS accepts.
pub const SUBNET_PREFIXES: std::ops::RangeInclusive<u8> = 16..=28;

/// Which subnet of a VPC: its tier and AZ ID.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubnetKey {
    pub tier: Tier,
    pub az: String,
}

pub struct SubnetInput<'a> {
    pub vpc: Ipv4Net,
    pub azs: &'a [String],
    /// Tiers in layout order with their sizes (defaults filled in).
    pub tiers: &'a [(Tier, SubnetSize)],
    /// Interface endpoint ENIs per AZ.
    pub enis: u32,
    /// Locked subnets of this VPC.
    pub locked: Option<&'a BTreeMap<SubnetKey, Ipv4Net>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subnet {
    pub tier: Tier,
    pub az: String,
    pub cidr: Ipv4Net,
    /// True when the subnet came from the lock.
    pub locked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubnetError {
    /// LP024: a tier's subnet is larger than the VPC.
    LargerThanVpc { tier: Tier, prefix: u8 },
    /// LP024: the tiers do not fit; addresses needed and available.
    DoesNotFit { needed: u64, available: u64 },
    /// LP025: the endpoints subnet cannot hold its ENIs.
    EndpointsTooSmall { tier: Tier, prefix: u8, enis: u32 },
    /// LP026: a locked subnet would change size.
    LockedSizeChanged { tier: Tier, az: String, locked: Ipv4Net, wanted: u8 },
}

/// The smallest endpoints subnet with room for twice its ENIs.
fn endpoints_auto(enis: u32) -> u8 {
    let want = 2 * u64::from(enis) + AWS_RESERVED;
    let mut p = 28u8;
    while p > 16 && block_size(p) < want {
        p -= 1;
    }
    p
}

/// A tier with the per-AZ prefix decided so far (`None`: an `auto` tier
/// still to be sized).
struct Sizing<'a> {
    tier: &'a Tier,
    prefix: Option<u8>,
}

/// Plans the subnets of one VPC.
pub fn plan(input: &SubnetInput<'_>) -> (Vec<Subnet>, Vec<SubnetError>) {
    let mut errors = Vec::new();
    let mut sizing = sized_tiers(input, &mut errors);
    if !size_auto_tiers(input, &mut sizing, &mut errors) {
        return (Vec::new(), errors);
    }
    let prefixes: Vec<(&Tier, u8)> = sizing.into_iter().map(|s| (s.tier, s.prefix.unwrap_or(28))).collect();
    for (tier, p) in &prefixes {
        if *p < input.vpc.prefix() {
            errors.push(SubnetError::LargerThanVpc { tier: (*tier).clone(), prefix: *p });
        }
    }
    if errors.iter().any(|e| matches!(e, SubnetError::LargerThanVpc { .. })) {
        return (Vec::new(), errors);
    }
    let subnets = lay_out(input, &prefixes, &mut errors);
    (subnets, errors)
}

/// Step 1: the per-AZ prefix of every tier but an `auto` workload; an
/// `auto` tier that is locked keeps its locked size.
fn sized_tiers<'a>(input: &SubnetInput<'a>, errors: &mut Vec<SubnetError>) -> Vec<Sizing<'a>> {
    let locked_prefix =
        |tier: &Tier| input.locked.and_then(|l| l.iter().find(|(k, _)| k.tier == *tier).map(|(_, n)| n.prefix()));
    let mut sizing = Vec::new();
    for (tier, size) in input.tiers {
        let prefix = match size {
            SubnetSize::Prefix(p) => Some(u8::try_from(*p).unwrap_or(u8::MAX)),
            SubnetSize::Auto(_) if *tier == Tier::Endpoints => {
                Some(locked_prefix(tier).unwrap_or_else(|| endpoints_auto(input.enis)))
            }
            SubnetSize::Auto(_) => locked_prefix(tier),
        };
        if *tier == Tier::Endpoints
            && let Some(p) = prefix
            && block_size(p) < u64::from(input.enis) + AWS_RESERVED
        {
            errors.push(SubnetError::EndpointsTooSmall { tier: tier.clone(), prefix: p, enis: input.enis });
        }
        sizing.push(Sizing { tier, prefix });
    }
    sizing
}

/// Step 2: the `auto` tiers share what is left, equally per AZ, each the
/// largest block that fits. False (with LP024) when nothing fits.
fn size_auto_tiers(input: &SubnetInput<'_>, sizing: &mut [Sizing<'_>], errors: &mut Vec<SubnetError>) -> bool {
    let n_az = input.azs.len() as u64;
    let fixed_total: u64 = sizing.iter().filter_map(|s| s.prefix).map(|p| n_az * block_size(p)).sum();
    let autos = sizing.iter().filter(|s| s.prefix.is_none()).count() as u64;
    if autos == 0 {
        return true;
    }
    let left = input.vpc.size().saturating_sub(fixed_total);
    let per = left / (n_az.max(1) * autos);
    let fitting = (16..=32u8).rev().map(|p| (p, block_size(p))).take_while(|(_, s)| *s <= per).last();
    match fitting.map(|(p, _)| p.max(input.vpc.prefix())) {
        Some(p) if p <= 28 => {
            for s in sizing.iter_mut().filter(|s| s.prefix.is_none()) {
                s.prefix = Some(p);
            }
            true
        }
        _ => {
            errors
                .push(SubnetError::DoesNotFit { needed: fixed_total + n_az * autos * 16, available: input.vpc.size() });
            false
        }
    }
}

/// One subnet still to place.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Wanted<'a> {
    /// Largest first (the smallest prefix), then tier and AZ order.
    prefix: u8,
    tier_pos: usize,
    az_pos: usize,
    tier: &'a Tier,
    az: &'a str,
}

/// Step 3: locked subnets stay; the rest are laid out largest first, in the
/// plan's order (tier, then the VPC's AZ order).
fn lay_out(input: &SubnetInput<'_>, prefixes: &[(&Tier, u8)], errors: &mut Vec<SubnetError>) -> Vec<Subnet> {
    let mut free = FreeSpace::new(input.vpc);
    for net in input.locked.into_iter().flat_map(|l| l.values()) {
        free.take(*net);
    }
    let mut out = Vec::new();
    let mut wanted = Vec::new();
    for (tier_pos, (tier, p)) in prefixes.iter().enumerate() {
        for (az_pos, az) in input.azs.iter().enumerate() {
            let key = SubnetKey { tier: (*tier).clone(), az: az.clone() };
            match input.locked.and_then(|l| l.get(&key)) {
                Some(net) if net.prefix() == *p => {
                    out.push(Subnet { tier: key.tier, az: key.az, cidr: *net, locked: true });
                }
                Some(net) => {
                    errors.push(SubnetError::LockedSizeChanged {
                        tier: key.tier,
                        az: key.az,
                        locked: *net,
                        wanted: *p,
                    });
                }
                None => wanted.push(Wanted { prefix: *p, tier_pos, az_pos, tier, az }),
            }
        }
    }
    wanted.sort();
    let needed: u64 = wanted.iter().map(|w| block_size(w.prefix)).sum();
    let available = free.free_addresses();
    for w in wanted {
        if let Some(cidr) = free.allocate(w.prefix) {
            out.push(Subnet { tier: w.tier.clone(), az: w.az.to_owned(), cidr, locked: false });
        } else {
            errors.push(SubnetError::DoesNotFit { needed, available });
            break;
        }
    }
    let az_pos = |az: &str| input.azs.iter().position(|a| a == az).unwrap_or(usize::MAX);
    out.sort_by(|a, b| (&a.tier, az_pos(&a.az)).cmp(&(&b.tier, az_pos(&b.az))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::AutoWord;

    const AUTO: SubnetSize = SubnetSize::Auto(AutoWord::Auto);

    fn n(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    fn azs(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("use1-az{i}")).collect()
    }

    fn tiers(transit: bool) -> Vec<(Tier, SubnetSize)> {
        let mut t = vec![(Tier::Workload, AUTO), (Tier::Endpoints, AUTO)];
        if transit {
            t.push((Tier::Transit, SubnetSize::Prefix(28)));
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
        let t = vec![(Tier::Workload, AUTO), (Tier::Endpoints, SubnetSize::Prefix(28))];
        let (_, errors) = plan(&SubnetInput { vpc: n("10.0.0.0/24"), azs: &a, tiers: &t, enis: 12, locked: None });
        assert_eq!(errors, [SubnetError::EndpointsTooSmall { tier: Tier::Endpoints, prefix: 28, enis: 12 }]);
    }

    #[test]
    fn tiers_that_do_not_fit_are_lp024() {
        let a = azs(3);
        let t = vec![(Tier::Workload, SubnetSize::Prefix(26)), (Tier::Endpoints, SubnetSize::Prefix(26))];
        let (_, errors) = plan(&SubnetInput { vpc: n("10.0.0.0/25"), azs: &a, tiers: &t, enis: 1, locked: None });
        assert!(matches!(errors[..], [SubnetError::DoesNotFit { .. }]), "{errors:?}");
        let t = vec![(Tier::Workload, SubnetSize::Prefix(16))];
        let (_, errors) = plan(&SubnetInput { vpc: n("10.0.0.0/20"), azs: &a, tiers: &t, enis: 1, locked: None });
        assert_eq!(errors, [SubnetError::LargerThanVpc { tier: Tier::Workload, prefix: 16 }]);
    }

    #[test]
    fn a_new_az_of_a_locked_vpc_moves_nothing() {
        let two = azs(2);
        let t = tiers(false);
        let (first, _) = plan(&SubnetInput { vpc: n("10.0.0.0/20"), azs: &two, tiers: &t, enis: 1, locked: None });
        let locked: BTreeMap<_, _> =
            first.iter().map(|s| (SubnetKey { tier: s.tier.clone(), az: s.az.clone() }, s.cidr)).collect();
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
        assert!(new.iter().any(|s| s.tier == Tier::Workload && s.cidr.prefix() == 22));
    }

    #[test]
    fn a_locked_subnet_that_would_change_size_is_lp026() {
        let a = azs(1);
        let t = vec![(Tier::Workload, SubnetSize::Prefix(24))];
        let locked = BTreeMap::from([(SubnetKey { tier: Tier::Workload, az: "use1-az1".into() }, n("10.0.0.0/22"))]);
        let (_, errors) =
            plan(&SubnetInput { vpc: n("10.0.0.0/20"), azs: &a, tiers: &t, enis: 0, locked: Some(&locked) });
        assert_eq!(
            errors,
            [SubnetError::LockedSizeChanged {
                tier: Tier::Workload,
                az: "use1-az1".into(),
                locked: n("10.0.0.0/22"),
                wanted: 24
            }]
        );
    }
}
