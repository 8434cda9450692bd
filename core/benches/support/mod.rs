//! Generated topologies for benchmarks: `n` VPCs over 100 accounts and four
//! regions, a tenth with fixed CIDRs and the rest sized /22–/24 from three
//! pools, every VPC attached to the transit and served by a shared hub.
use std::fmt::Write as _;

pub fn topology(n: usize) -> String {
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"];
    let azs =
        [["use1-az1", "use1-az2"], ["usw2-az1", "usw2-az2"], ["euw1-az1", "euw1-az2"], ["apse1-az1", "apse1-az2"]];
    let mut t = String::with_capacity(n * 120);
    t.push_str("apiVersion: linkplan/v1alpha1\nname: generated\naccounts:\n");
    for a in 0..100 {
        let _ = writeln!(t, "  acct{a}: {{ id: \"{:012}\" }}", 100_000_000_000u64 + a);
    }
    t.push_str("addressing:\n  pools:\n    - cidr: 10.0.0.0/8\n    - cidr: 100.64.0.0/10\n  reserved:\n    - { name: on-premises, cidr: 192.168.0.0/16 }\n");
    t.push_str("vpcs:\n  hub: { account: acct0, region: us-east-1, cidr: 172.31.0.0/16, azs: [use1-az1, use1-az2] }\n");
    for i in 0..n {
        let r = i % regions.len();
        let account = i % 100;
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
    let _ = write!(t, "transit:\n  mode: transit-gateway\n  owner: acct0\n  attach: [hub, {}]\n", names.join(", "));
    let _ = write!(
        t,
        "endpoints:\n  - vpc: hub\n    services: [sts, lambda, bedrock-runtime]\n    share: [{}]\n",
        names.join(", ")
    );
    t.push_str("dns:\n  mode: profile\n");
    // a topology this large has its quotas raised
    t.push_str("quotas: { vpcsPerRegion: 1000, vpcsPerProfile: 20000, securityGroupInboundRules: 1000, transitGatewayRoutes: 100000, routesPerRouteTable: 1000 }\n");
    // every tenth VPC runs a workload that needs the hub's STS
    t.push_str("workloads:\n");
    for i in (0..n).step_by(10) {
        let region = regions[i % regions.len()];
        let _ = writeln!(t, "  - {{ name: w{i}, vpc: vpc{i}, needs: [sts@us-east-1, lambda@us-east-1] }}");
        let _ = region;
    }
    t
}
