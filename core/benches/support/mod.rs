//! Generated topologies for benchmarks: `n` VPCs over at least 100 accounts and four
//! regions, a tenth with fixed CIDRs and the rest sized /22–/24 from three
//! pools, every VPC attached to the transit and served by a hub of its region.
use std::fmt::Write as _;

/// The VPCs one hub serves at most: each consumer adds about five
/// resources to its hub's stack (an ingress rule per service, zone and
/// Profile associations), and a stack holds at most 500 (LP073), so a hub
/// serves 80 VPCs and each hub of a region is in an account of its own.
const HUB_SERVES: usize = 80;

pub fn topology(n: usize) -> String {
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"];
    let azs =
        [["use1-az1", "use1-az2"], ["usw2-az1", "usw2-az2"], ["euw1-az1", "euw1-az2"], ["apse1-az1", "apse1-az2"]];
    let mut t = String::with_capacity(n * 120);
    // an organization: the hub's shares cross accounts (LP015 without one)
    t.push_str("apiVersion: linkplan/v1alpha1\nname: generated\norganization: { id: o-benchmark01 }\naccounts:\n");
    // at most 8 VPCs per account and region: a spoke stack holds its
    // account's VPCs of its region, about 50 resources each, and a stack at
    // most 500 (LP073)
    let accounts = n.div_ceil(regions.len() * 8).max(100);
    for a in 0..accounts {
        let _ = writeln!(t, "  acct{a}: {{ id: \"{:012}\" }}", 100_000_000_000u64 + a as u64);
    }
    t.push_str("addressing:\n  pools:\n    - cidr: 10.0.0.0/8\n    - cidr: 100.64.0.0/10\n  reserved:\n    - { name: on-premises, cidr: 192.168.0.0/16 }\n");
    t.push_str("vpcs:\n");
    // hubs in each region, each serving at most HUB_SERVES of its VPCs: an
    // endpoint's security group names each consumer (a VPC, or its
    // workloads' subnets), and AWS allows at most 1,000 inbound rules (LP040;
    // "Amazon VPC quotas", security groups,
    // https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html),
    // so a network this large splits its hubs. Their /20s lie in
    // 172.24.0.0/13, clear of the pools and the fixed /24s below.
    let per_region = n.div_ceil(regions.len()).div_ceil(HUB_SERVES).max(1);
    let hub = |i: usize| format!("hub{}", (i / regions.len()) / HUB_SERVES * regions.len() + i % regions.len());
    let hubs: Vec<String> = (0..per_region * regions.len()).map(|h| format!("hub{h}")).collect();
    for (h, name) in hubs.iter().enumerate() {
        let r = h % regions.len();
        let [az1, az2] = azs[r];
        let _ = writeln!(
            t,
            "  {name}: {{ account: acct{}, region: {}, cidr: 172.{}.{}.0/20, azs: [{az1}, {az2}] }}",
            (h / regions.len()) % 100,
            regions[r],
            24 + h / 16,
            (h % 16) * 16
        );
    }
    for i in 0..n {
        let r = i % regions.len();
        let account = (i / regions.len()) % accounts;
        let [az1, az2] = azs[r];
        if i % 10 == 0 {
            // fixed /24s in 172.16.0.0/13, clear of the pools and the hub
            let (b, c) = (16 + (i / 10) / 256, (i / 10) % 256);
            let _ = writeln!(
                t,
                "  vpc{i}: {{ account: acct{account}, region: {}, cidr: 172.{b}.{c}.0/24, azs: [{az1}, {az2}] }}",
                regions[r]
            );
        } else {
            let size = 22 + (i % 3);
            let _ = writeln!(
                t,
                "  vpc{i}: {{ account: acct{account}, region: {}, size: {size}, azs: [{az1}, {az2}] }}",
                regions[r]
            );
        }
    }
    let names: Vec<String> = (0..n).map(|i| format!("vpc{i}")).collect();
    let _ = write!(
        t,
        "transit:\n  mode: transit-gateway\n  owner: acct0\n  attach: [{}, {}]\n",
        hubs.join(", "),
        names.join(", ")
    );
    t.push_str("endpoints:\n");
    for name in &hubs {
        let served: Vec<&str> =
            names.iter().enumerate().filter(|(i, _)| hub(*i) == *name).map(|(_, v)| v.as_str()).collect();
        if served.is_empty() {
            continue;
        }
        let _ = write!(
            t,
            "  - vpc: {name}\n    services: [sts, lambda, bedrock-runtime]\n    share: [{}]\n",
            served.join(", ")
        );
    }
    t.push_str("dns:\n  mode: profile\n");
    // a topology this large has its quotas raised
    t.push_str("quotas: { vpcsPerRegion: 1000, vpcsPerProfile: 20000, securityGroupInboundRules: 1000, transitGatewayRoutes: 100000, routesPerRouteTable: 1000 }\n");
    // every tenth VPC runs a workload that needs its region's STS and Lambda
    t.push_str("workloads:\n");
    for i in (0..n).step_by(10) {
        let region = regions[i % regions.len()];
        let _ = writeln!(t, "  - {{ name: w{i}, vpc: vpc{i}, needs: [sts@{region}, lambda@{region}] }}");
    }
    t
}
