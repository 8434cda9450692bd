//! An IPv4 CIDR as a number and a prefix length.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// An IPv4 network; always canonical (no host bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Net {
    addr: u32,
    prefix: u8,
}

/// Why a CIDR was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// Not of the form `a.b.c.d/n` with n ≤ 32.
    Malformed,
    /// Host bits are set; the canonical network is given.
    HostBits(Net),
}

impl Net {
    /// The network of `addr`/`prefix`, host bits cleared.
    pub fn new_trunc(addr: u32, prefix: u8) -> Self {
        let prefix = prefix.min(32);
        Self { addr: addr & mask(prefix), prefix }
    }

    pub fn addr(self) -> u32 {
        self.addr
    }

    pub fn prefix(self) -> u8 {
        self.prefix
    }

    /// Number of addresses.
    pub fn size(self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }

    pub fn start(self) -> u64 {
        u64::from(self.addr)
    }

    /// One past the last address.
    pub fn end(self) -> u64 {
        self.start() + self.size()
    }

    pub fn contains(self, other: Net) -> bool {
        other.prefix >= self.prefix && (other.addr & mask(self.prefix)) == self.addr
    }

    pub fn overlaps(self, other: Net) -> bool {
        self.contains(other) || other.contains(self)
    }
}

/// The netmask of a prefix length as a number.
pub fn mask(prefix: u8) -> u32 {
    if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix.min(32))) }
}

impl FromStr for Net {
    type Err = NetError;

    fn from_str(s: &str) -> Result<Self, NetError> {
        let (a, p) = s.trim().split_once('/').ok_or(NetError::Malformed)?;
        let addr = Ipv4Addr::from_str(a).map_err(|_| NetError::Malformed)?;
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NetError::Malformed);
        }
        let prefix: u8 = p.parse().map_err(|_| NetError::Malformed)?;
        if prefix > 32 {
            return Err(NetError::Malformed);
        }
        let net = Net::new_trunc(u32::from(addr), prefix);
        if net.addr != u32::from(addr) {
            return Err(NetError::HostBits(net));
        }
        Ok(net)
    }
}

impl fmt::Display for Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.addr), self.prefix)
    }
}

impl serde::Serialize for Net {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonical_cidrs() {
        let n: Net = "10.16.0.0/12".parse().unwrap();
        assert_eq!(n.to_string(), "10.16.0.0/12");
        assert_eq!(n.size(), 1 << 20);
        assert!("0.0.0.0/0".parse::<Net>().is_ok());
    }

    #[test]
    fn refuses_host_bits_with_the_canonical_form() {
        assert_eq!("10.0.0.1/16".parse::<Net>(), Err(NetError::HostBits("10.0.0.0/16".parse().unwrap())));
    }

    #[test]
    fn refuses_malformed() {
        for s in ["10.0.0.0", "10.0.0.0/33", "10.0.0/16", "a/b", "10.0.0.0/", "10.0.0.0/+8", "::/0"] {
            assert_eq!(s.parse::<Net>(), Err(NetError::Malformed), "{s}");
        }
    }

    #[test]
    fn containment_and_overlap() {
        let a: Net = "10.0.0.0/8".parse().unwrap();
        let b: Net = "10.1.0.0/16".parse().unwrap();
        let c: Net = "11.0.0.0/16".parse().unwrap();
        assert!(a.contains(b) && !b.contains(a));
        assert!(a.overlaps(b) && b.overlaps(a));
        assert!(!a.overlaps(c));
    }
}
