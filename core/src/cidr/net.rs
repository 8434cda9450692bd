//! An IPv4 CIDR as a number and a prefix length.

use schemars::JsonSchema;
use std::borrow::Cow;
use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// An IPv4 network; always canonical (no host bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Net {
    addr: u32,
    prefix: u8,
}

/// Why a CIDR was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ipv4NetError {
    /// Not of the form `a.b.c.d/n` with n ≤ 32.
    Malformed,
    /// Host bits are set; the canonical network is given.
    HostBits(Ipv4Net),
}

impl Ipv4Net {
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
        block_size(self.prefix)
    }

    pub fn start(self) -> u64 {
        u64::from(self.addr)
    }

    /// One past the last address.
    pub fn end(self) -> u64 {
        self.start() + self.size()
    }

    pub fn contains(self, other: Ipv4Net) -> bool {
        other.prefix >= self.prefix && (other.addr & mask(self.prefix)) == self.addr
    }

    pub fn overlaps(self, other: Ipv4Net) -> bool {
        self.contains(other) || other.contains(self)
    }
}

/// The number of addresses in a block of this prefix length.
pub fn block_size(prefix: u8) -> u64 {
    1u64 << (32 - u32::from(prefix.min(32)))
}

/// The netmask of a prefix length as a number.
pub fn mask(prefix: u8) -> u32 {
    if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix.min(32))) }
}

impl FromStr for Ipv4Net {
    type Err = Ipv4NetError;

    fn from_str(s: &str) -> Result<Self, Ipv4NetError> {
        let (a, p) = s.trim().split_once('/').ok_or(Ipv4NetError::Malformed)?;
        let addr = Ipv4Addr::from_str(a).map_err(|_| Ipv4NetError::Malformed)?;
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Ipv4NetError::Malformed);
        }
        let prefix: u8 = p.parse().map_err(|_| Ipv4NetError::Malformed)?;
        if prefix > 32 {
            return Err(Ipv4NetError::Malformed);
        }
        let net = Ipv4Net::new_trunc(u32::from(addr), prefix);
        if net.addr != u32::from(addr) {
            return Err(Ipv4NetError::HostBits(net));
        }
        Ok(net)
    }
}

impl fmt::Display for Ipv4Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.addr), self.prefix)
    }
}

impl fmt::Display for Ipv4NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ipv4NetError::Malformed => f.write_str("not an IPv4 CIDR of the form a.b.c.d/n"),
            Ipv4NetError::HostBits(net) => write!(f, "host bits are set; the network is {net}"),
        }
    }
}

impl std::error::Error for Ipv4NetError {}

impl serde::Serialize for Ipv4Net {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Ipv4Net {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Cow::<str>::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Ipv4Net {
    fn schema_name() -> Cow<'static, str> {
        "Ipv4Cidr".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A canonical IPv4 CIDR, e.g. 10.0.0.0/16",
            "pattern": r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonical_cidrs() {
        let n: Ipv4Net = "10.16.0.0/12".parse().unwrap();
        assert_eq!(n.to_string(), "10.16.0.0/12");
        assert_eq!(n.size(), 1 << 20);
        assert!("0.0.0.0/0".parse::<Ipv4Net>().is_ok());
    }

    #[test]
    fn refuses_host_bits_with_the_canonical_form() {
        assert_eq!("10.0.0.1/16".parse::<Ipv4Net>(), Err(Ipv4NetError::HostBits("10.0.0.0/16".parse().unwrap())));
    }

    #[test]
    fn refuses_malformed() {
        for s in ["10.0.0.0", "10.0.0.0/33", "10.0.0/16", "a/b", "10.0.0.0/", "10.0.0.0/+8", "::/0"] {
            assert_eq!(s.parse::<Ipv4Net>(), Err(Ipv4NetError::Malformed), "{s}");
        }
    }

    #[test]
    fn containment_and_overlap() {
        let a: Ipv4Net = "10.0.0.0/8".parse().unwrap();
        let b: Ipv4Net = "10.1.0.0/16".parse().unwrap();
        let c: Ipv4Net = "11.0.0.0/16".parse().unwrap();
        assert!(a.contains(b) && !b.contains(a));
        assert!(a.overlaps(b) && b.overlaps(a));
        assert!(!a.overlaps(c));
    }
}
