//! LP013: regions and AZ IDs, against the built-in table.

use crate::diagnostic::{Anchor, Finding, Rule};
use crate::regions;
use crate::source::Pointer;
use crate::spec::{Azs, Topology, Vpc};
use crate::suggest;
use std::collections::HashMap;

/// The VPC's AZ IDs, or `None` (with findings) when its region or AZs are wrong.
pub fn check_vpc(name: &str, vpc: &Vpc, path: &Pointer, out: &mut Vec<Finding>) -> Option<Vec<String>> {
    let known = region(&vpc.region, &path.key("region"), out)?;
    match &vpc.azs {
        Azs::Count(n) => {
            let n = usize::try_from(*n).unwrap_or(usize::MAX);
            if n == 0 || n > known.len() {
                out.push(
                    Finding::at(
                        Rule::Lp013,
                        &path.key("azs"),
                        format!(
                            "VPC `{name}` asks for {n} AZs; {} has {} ({})",
                            vpc.region,
                            known.len(),
                            known.join(", ")
                        ),
                    )
                    .hint(format!("ask for 1 to {} AZs, or list the AZ IDs", known.len())),
                );
                return None;
            }
            Some(known.iter().take(n).map(|s| (*s).to_owned()).collect())
        }
        Azs::Ids(ids) => {
            let mut ok = !ids.is_empty();
            if ids.is_empty() {
                out.push(
                    Finding::at(Rule::Lp013, &path.key("azs"), format!("VPC `{name}` lists no AZ IDs"))
                        .hint("list at least one AZ ID"),
                );
            }
            let mut first: HashMap<&str, usize> = HashMap::new();
            for (i, az) in ids.iter().enumerate() {
                let p = path.key("azs").index(i);
                if let Some(&j) = first.get(az.as_str()) {
                    ok = false;
                    out.push(
                        Finding::at(Rule::Lp011, &p, format!("AZ ID `{az}` is listed twice"))
                            .related(Anchor::Value(path.key("azs").index(j)), "first listed here"),
                    );
                    continue;
                }
                first.insert(az, i);
                if known.contains(&az.as_str()) {
                    continue;
                }
                ok = false;
                let mut f = Finding::at(
                    Rule::Lp013,
                    &p,
                    format!(
                        "AZ ID `{az}` is not in {}; expected one of {}",
                        vpc.region,
                        suggest::list(known.iter().copied(), 8)
                    ),
                );
                f = match regions::region_of_az(az) {
                    Some(r) => f.hint(format!("`{az}` is in {r}; AZ IDs name one region's zones")),
                    None if az.contains('-') && !az.contains("-az") => {
                        f.hint("this looks like an AZ name; the spec takes AZ IDs such as `use1-az1`, which name the same zone in every account")
                    }
                    None => f.hint(format!(
                        "`aws ec2 describe-availability-zones --region {}` lists the AZ IDs (ZoneId)",
                        vpc.region
                    )),
                };
                out.push(f);
            }
            ok.then(|| ids.clone())
        }
    }
}

fn region(name: &str, path: &Pointer, out: &mut Vec<Finding>) -> Option<&'static [&'static str]> {
    let found = regions::azs(name);
    if found.is_none() {
        let mut f =
            Finding::at(Rule::Lp013, path, format!("region `{name}` is not an AWS commercial region Linkplan knows"));
        f = match suggest::hint_for(name, regions::names()) {
            Some(h) => f.hint(h),
            None => f.hint("use a region code such as `us-east-1`"),
        };
        out.push(f);
    }
    found
}

pub fn check_pools(topo: &Topology, out: &mut Vec<Finding>) {
    for (i, pool) in topo.addressing.pools.iter().enumerate() {
        for (j, r) in pool.regions.iter().flatten().enumerate() {
            region(r, &Pointer::root().key("addressing").key("pools").index(i).key("regions").index(j), out);
        }
    }
}

/// `service@region` needs, and `isolation` services, name a known region.
pub fn check_needs(topo: &Topology, out: &mut Vec<Finding>) {
    for (i, w) in topo.workloads.iter().enumerate() {
        for (j, need) in w.needs.iter().enumerate() {
            if let Some((_, r)) = need.split_once('@') {
                region(r, &Pointer::root().key("workloads").index(i).key("needs").index(j), out);
            }
        }
    }
    for (i, a) in topo.isolation.iter().enumerate() {
        if let Some((_, r)) = a.to.service.as_deref().and_then(|s| s.split_once('@')) {
            region(r, &Pointer::root().key("isolation").index(i).key("to").key("service"), out);
        }
    }
}
