//! Subnet tiers: the three Linkplan lays out itself, and any a topology
//! names besides them. The order of tiers is the order they are listed and
//! laid out in: the standard tiers first, then the others by name.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Where workloads run; takes what the other tiers leave.
    Workload,
    /// Interface endpoint ENIs (and resolver endpoints, PrivateLink consumers).
    Endpoints,
    /// Transit gateway attachments.
    Transit,
    /// A tier the topology names (`vpcs.<name>.subnets.<tier>`).
    Named(String),
}

impl Tier {
    pub fn new(name: &str) -> Self {
        match name {
            "workload" => Tier::Workload,
            "endpoints" => Tier::Endpoints,
            "transit" => Tier::Transit,
            other => Tier::Named(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Tier::Workload => "workload",
            Tier::Endpoints => "endpoints",
            Tier::Transit => "transit",
            Tier::Named(n) => n,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Tier::Workload => 0,
            Tier::Endpoints => 1,
            Tier::Transit => 2,
            Tier::Named(_) => 3,
        }
    }
}

impl Ord for Tier {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.rank(), self.as_str()).cmp(&(other.rank(), other.as_str()))
    }
}

impl PartialOrd for Tier {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Tier {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Tier {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Tier::new(&Cow::<str>::deserialize(d)?))
    }
}

impl JsonSchema for Tier {
    fn schema_name() -> Cow<'static, str> {
        "Tier".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A subnet tier: `workload`, `endpoints`, `transit`, or a tier the topology names"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_tiers_come_first_then_the_others_by_name() {
        let mut tiers = ["zeta", "transit", "alpha", "workload", "endpoints"].map(Tier::new).to_vec();
        tiers.sort();
        let names: Vec<&str> = tiers.iter().map(Tier::as_str).collect();
        assert_eq!(names, ["workload", "endpoints", "transit", "alpha", "zeta"]);
    }

    #[test]
    fn tiers_read_and_write_as_their_names() {
        let t: Tier = serde_json::from_str("\"endpoints\"").unwrap();
        assert_eq!(t, Tier::Endpoints);
        assert_eq!(serde_json::to_string(&Tier::new("data")).unwrap(), "\"data\"");
    }
}
