//! The endpoint, DNS, routing and IAM plans and the reachability proof, on
//! the examples and on small topologies that break one link each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use serde_json::Value;

fn plan_value(text: &str) -> Value {
    let o = run(text);
    assert!(o.is_valid(), "{:?}", o.diagnostics);
    serde_json::to_value(o.plan.unwrap()).unwrap()
}

fn bedrock() -> String {
    example("bedrock-privatelink")
}

#[test]
fn bedrock_example_is_proven_end_to_end() {
    let p = plan_value(&bedrock());
    let proofs = p["reachability"].as_array().unwrap();
    // five written needs, the notebook's two implied ones (SageMaker API and
    // runtime), the function's own (bedrock-runtime), a flow per client
    assert_eq!(proofs.len(), 10);
    let implied = proofs.iter().filter(|x| x["workload"] == "app-notebook-apse1" && x["impliedBy"].is_string()).count();
    assert_eq!(implied, 2, "{proofs:?}");
    assert_eq!(proofs.iter().filter(|x| x["need"] == "flow:bedrock").count(), 2);
    assert!(proofs.iter().all(|x| x["ok"] == true && x["status"] == "ok"), "{proofs:?}");
    let notebook =
        proofs.iter().find(|x| x["workload"] == "app-notebook-apse1" && x["need"] == "sts@us-east-1").unwrap();
    assert_eq!(notebook["principal"], "arn:aws:iam::222222222222:role/*");
    let links: Vec<&str> = notebook["path"].as_array().unwrap().iter().map(|s| s["link"].as_str().unwrap()).collect();
    assert_eq!(links, ["dns", "endpoint", "route", "security-group", "endpoint-policy"]);
    assert!(notebook["path"][2]["detail"].as_str().unwrap().contains("peering"));
    let function = proofs.iter().find(|x| x["workload"] == "bedrock/stream").unwrap();
    assert_eq!(function["principal"], "arn:aws:iam::111111111111:role/bedrock-privatelink-bedrock-fn");
    assert!(function["impliedBy"].is_string());
    // the flow: assume the invoker role, invoke the function, invoke the model
    let flow = proofs.iter().find(|x| x["need"] == "flow:bedrock").unwrap();
    let hops: Vec<(&str, &str)> = flow["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap(), h["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        hops,
        [("sts:AssumeRole", "ok"), ("lambda:InvokeFunction", "ok"), ("bedrock:InvokeModelWithResponseStream", "ok")]
    );
    let last: Vec<&str> =
        flow["hops"][2]["path"].as_array().unwrap().iter().map(|s| s["link"].as_str().unwrap()).collect();
    assert_eq!(last, ["dns", "endpoint", "route", "security-group", "endpoint-policy", "identity-policy"]);
    let trust: Vec<&str> =
        flow["hops"][0]["path"].as_array().unwrap().iter().map(|s| s["link"].as_str().unwrap()).collect();
    assert!(trust.contains(&"trust-policy"), "{trust:?}");
}

#[test]
fn bedrock_example_endpoints_admit_exactly_their_consumers() {
    let p = plan_value(&bedrock());
    let eps = p["endpoints"].as_array().unwrap();
    let sts = eps.iter().find(|e| e["id"] == "app-use1/sts").unwrap();
    assert_eq!(sts["serviceName"], "com.amazonaws.us-east-1.sts");
    assert_eq!(sts["privateDns"], false);
    let ingress: Vec<(&str, u64)> = sts["securityGroup"]["ingress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["cidr"].as_str().unwrap(), i["port"].as_u64().unwrap()))
        .collect();
    // the hub runs nothing (it holds endpoints only, no workload tier): it
    // has no callers to admit; app-apse1's notebook runs in its workload
    // tier, whose two subnets (aggregated) are admitted
    let workload: Vec<&str> = p["vpcs"]["app-apse1"]["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["tier"] == "workload")
        .map(|s| s["cidr"].as_str().unwrap())
        .collect();
    assert_eq!(workload, ["10.11.0.0/22", "10.11.4.0/22"]);
    assert_eq!(ingress, [("10.11.0.0/21", 443)]);
    assert!(p["vpcs"]["app-use1"]["subnets"].as_array().unwrap().iter().all(|s| s["tier"] != "workload"));
    assert_ne!(p["vpcs"]["app-apse1"]["cidr"], "10.11.0.0/21", "the whole VPC is not admitted");
    assert_eq!(sts["subnets"].as_array().unwrap().len(), 2);
    assert_eq!(
        sts["policy"]["statements"][0]["conditions"][0],
        serde_json::json!({"operator": "StringEquals", "key": "aws:PrincipalOrgID", "values": ["o-exampleorg1"]})
    );
    let bedrock = eps.iter().find(|e| e["id"] == "ml-use1/bedrock-runtime").unwrap();
    assert_eq!(bedrock["privateDns"], true);
    assert_eq!(bedrock["securityGroup"]["ingress"].as_array().unwrap().len(), 1);
}

#[test]
fn bedrock_example_dns_routing_and_iam() {
    let p = plan_value(&bedrock());
    let zones: Vec<&str> =
        p["dns"]["hostedZones"].as_array().unwrap().iter().map(|z| z["name"].as_str().unwrap()).collect();
    assert_eq!(zones, ["lambda.us-east-1.amazonaws.com", "lambda.us-east-1.api.aws", "sts.us-east-1.amazonaws.com"]);
    let profiles = p["dns"]["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 1);
    assert_eq!(profiles[0]["region"], "ap-southeast-1");
    assert_eq!(profiles[0]["associations"], serde_json::json!(["app-apse1"]));
    let tgws: Vec<&str> =
        p["routing"]["transitGateways"].as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap()).collect();
    assert_eq!(tgws, ["tgw/ap-southeast-1", "tgw/us-east-1"]);
    assert_eq!(p["routing"]["tgwPeerings"].as_array().unwrap().len(), 1);
    let roles = p["iam"]["roles"].as_array().unwrap();
    let function = roles.iter().find(|r| r["id"] == "bedrock/function").unwrap();
    assert_eq!(
        function["permissions"]["statements"][0]["resources"],
        serde_json::json!(["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0"])
    );
    let invoker = roles.iter().find(|r| r["id"] == "bedrock/invoker").unwrap();
    assert_eq!(invoker["arn"], "arn:aws:iam::111111111111:role/bedrock-privatelink-bedrock-invoker");
    assert_eq!(
        invoker["trust"]["statements"][0]["principal"]["aws"],
        serde_json::json!(["arn:aws:iam::222222222222:root"])
    );
    assert_eq!(
        invoker["trust"]["statements"][0]["conditions"][0],
        serde_json::json!({"operator": "StringEquals", "key": "aws:PrincipalOrgID", "values": ["o-exampleorg1"]})
    );
}

#[test]
fn studio_example_uses_resolver_rules_for_every_consumer() {
    let p = plan_value(&example("studio-multi-account"));
    let rules = p["dns"]["resolverRules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for r in rules {
        assert_eq!(r["associations"], serde_json::json!(["access", "lob-a", "lob-b"]), "{r}");
    }
    // on-premises reaches the hub's endpoints and its resolver
    let sts = p["endpoints"].as_array().unwrap().iter().find(|e| e["id"] == "networking/sts").unwrap();
    assert!(sts["securityGroup"]["ingress"].as_array().unwrap().iter().any(|i| i["cidr"] == "192.168.10.0/24"));
    let studio_zone = p["dns"]["hostedZones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == "studio.us-east-1.sagemaker.aws")
        .unwrap();
    assert_eq!(studio_zone["records"][0]["name"], "*.studio.us-east-1.sagemaker.aws");
    assert!(p["reachability"].as_array().unwrap().iter().all(|x| x["ok"] == true));
}

/// The LP031 of a modified Bedrock example: (missing link, message, hint).
fn lp031(text: &str) -> Vec<(String, String)> {
    run(text)
        .diagnostics
        .iter()
        .filter(|d| d.code == "LP031")
        .map(|d| (d.message.clone(), d.hint.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn a_missing_share_is_the_endpoint_link() {
    let t = bedrock().replace("share: [app-apse1]", "share: []");
    let found = lp031(&t);
    // sts and lambda, for the notebook and for the function
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found[0].0.contains("missing link: endpoint"), "{found:?}");
    assert!(found[0].1.contains("add `app-apse1` to the `share`"), "{found:?}");
}

#[test]
fn a_missing_attachment_is_the_route_link() {
    let t = bedrock().replace("attach: [app-use1, app-apse1]", "attach: [app-use1]");
    let found = lp031(&t);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(
        found[0].0.contains("`app-apse1` is not attached") && found[0].0.contains("missing link: route"),
        "{found:?}"
    );
}

#[test]
fn resolver_rules_do_not_cross_regions() {
    let t = bedrock().replace("mode: profile", "mode: resolver");
    let found = lp031(&t);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(
        found[0].0.contains("resolver rules are regional") && found[0].0.contains("missing link: dns"),
        "{found:?}"
    );
}

#[test]
fn gateway_endpoints_serve_only_their_own_vpc() {
    let t = bedrock().replace("needs: [bedrock-runtime]", "needs: [bedrock-runtime, dynamodb]");
    let found = lp031(&t);
    assert_eq!(found.len(), 1);
    assert!(found[0].0.contains("gateway endpoint"), "{found:?}");
    let shared = bedrock().replace("services: [sts, lambda]", "services: [sts, lambda, dynamodb]");
    assert!(codes(&run(&shared)).contains(&"LP034".to_owned()));
}

#[test]
fn one_rule_per_conflict() {
    // LP030: Bedrock is not offered in ap-east-1
    let t = bedrock()
        .replace("region: ap-southeast-1", "region: ap-east-1")
        .replace("azs: [apse1-az1, apse1-az2]", "azs: 2")
        .replace("needs: [sts@us-east-1, lambda@us-east-1]", "needs: [bedrock-runtime]");
    let o = run(&t);
    assert!(codes(&o).contains(&"LP030".to_owned()), "a need in a region without the service: {:?}", o.diagnostics);
    let t2 = bedrock()
        .replace(
            "  - vpc: ml-use1\n    services: [bedrock-runtime]",
            "  - vpc: app-apse1\n    services: [bedrock-runtime]",
        )
        .replace("region: ap-southeast-1", "region: ap-east-1")
        .replace("azs: [apse1-az1, apse1-az2]", "azs: 2");
    assert!(codes(&run(&t2)).contains(&"LP030".to_owned()), "{:?}", run(&t2).diagnostics);
    // LP032: the consumer answers sts itself in the same region
    let t3 = bedrock()
        .replace("  - vpc: app-use1\n", "  - vpc: ml-use1\n    services: [sts]\n  - vpc: app-use1\n")
        .replace("share: [app-apse1]", "share: [app-apse1, ml-use1]");
    assert!(codes(&run(&t3)).contains(&"LP032".to_owned()), "{:?}", run(&t3).diagnostics);
    // LP033: two hubs serve sts to one VPC
    let t4 = bedrock().replace(
        "  - vpc: app-use1\n",
        "  - vpc: ml-use1\n    services: [sts]\n    share: [app-apse1]\n  - vpc: app-use1\n",
    );
    assert!(codes(&run(&t4)).contains(&"LP033".to_owned()), "{:?}", run(&t4).diagnostics);
}

#[test]
fn profiles_and_resolvers_have_their_own_limits() {
    // LP035: hubs of two accounts serve one VPC in profile mode
    let t = bedrock()
        .replace(
            "  - vpc: ml-use1\n    services: [bedrock-runtime]",
            "  - vpc: ml-use1\n    services: [bedrock-runtime]\n    share: [app-apse1]",
        )
        .replace("attach: [app-use1, app-apse1]", "attach: [app-use1, app-apse1, ml-use1]");
    assert!(codes(&run(&t)).contains(&"LP035".to_owned()), "{:?}", run(&t).diagnostics);
    // LP036: a resolver hub needs two AZs
    let t = example("studio-multi-account").replace(
        "networking: { account: shared, region: us-east-1, cidr: 10.0.0.0/16,   azs: [use1-az1, use1-az2] }",
        "networking: { account: shared, region: us-east-1, cidr: 10.0.0.0/16, azs: [use1-az1] }",
    );
    assert!(codes(&run(&t)).contains(&"LP036".to_owned()), "{:?}", run(&t).diagnostics);
}

#[test]
fn quotas_are_checked_and_can_be_raised() {
    let vpcs = |n: usize| -> String {
        (0..n)
            .map(|i| format!("  v{i}: {{ account: a, region: us-east-1, size: 24, azs: 1 }}\n"))
            .collect::<Vec<_>>()
            .concat()
    };
    let (five, four) = (vpcs(5), vpcs(4));
    let six = format!("{five}  v5: {{ account: a, region: us-east-1, size: 24, azs: 1 }}\n");
    let over = run(&with_vpcs(&six));
    assert_eq!(codes(&over), ["LP040"]);
    assert!(
        over.diagnostics[0].message.contains("VPCs of account `a` in us-east-1: 6, over the quota of 5"),
        "{}",
        over.diagnostics[0].message
    );
    assert_eq!(codes(&run(&with_vpcs(&four))), ["LP041"]);
    let raised = format!("{}quotas: {{ vpcsPerRegion: 20 }}\n", with_vpcs(&six));
    assert!(run(&raised).diagnostics.is_empty(), "{:?}", run(&raised).diagnostics);
}

#[test]
fn weaknesses_asked_for_are_warned_about() {
    let t = bedrock()
        .replace("models: [anthropic.claude-3-sonnet-20240229-v1:0]", "models: [\"anthropic.*\"]")
        .replace("services: [sts, lambda]", "services: [sts, lambda]\n    policy: full-access");
    let o = run(&t);
    assert_eq!(codes(&o), ["LP050", "LP050"], "{:?}", o.diagnostics);
    assert!(o.is_valid(), "warnings only");
}

#[test]
fn a_plan_names_its_version_and_schema_fields() {
    let p = plan_value(&bedrock());
    for key in ["version", "vpcs", "endpoints", "dns", "routing", "iam", "reachability"] {
        assert!(p.get(key).is_some(), "{key}");
    }
    assert!(p["dns"]["hostedZones"][0]["records"][0]["target"].is_string());
}

#[test]
fn past_the_rule_quota_consumers_go_into_a_prefix_list_and_are_counted() {
    // a spoke per account: the 70 spokes routed to each other in one stack
    // would pass CloudFormation's 500 resources (LP073)
    let spokes = (0..70)
        .map(|i| format!("  s{i}: {{ account: a{i}, region: us-east-1, cidr: 10.{}.0.0/16, azs: 1 }}\n", 2 * i + 1))
        .collect::<Vec<_>>()
        .concat();
    let accounts =
        (0..70).map(|i| format!("  a{i}: {{ id: \"{}\" }}\n", 200_000_000_000_u64 + i)).collect::<Vec<_>>().concat();
    let names: Vec<String> = (0..70).map(|i| format!("s{i}")).collect();
    let t = format!(
        "{}  hub: {{ account: a, region: us-east-1, cidr: 172.16.0.0/16, azs: 2 }}\ntransit: {{ mode: transit-gateway, owner: a, attach: [hub, {list}] }}\nendpoints:\n  - {{ vpc: hub, services: [sts], share: [{list}] }}\ndns: {{ mode: association }}\nquotas: {{ vpcsPerRegion: 100, routesPerRouteTable: 100 }}\n",
        with_vpcs(&spokes)
            .replace("  pools: [{ cidr: 10.0.0.0/16 }]\n", "  pools: []\n")
            .replace("addressing:\n", &format!("{accounts}addressing:\n"))
            .replace("name: t\n", "name: t\norganization: { id: o-abcdefghij }\n"),
        list = names.join(", ")
    );
    let o = run(&t);
    let d = o.diagnostics.iter().find(|d| d.code == "LP040").unwrap_or_else(|| panic!("{:?}", o.diagnostics));
    // the 70 spokes; the hub, of endpoints only, admits nothing of its own
    assert!(d.message.contains("managed prefix list `hub-sts-consumers`") && d.message.contains("70"), "{}", d.message);
    let raised =
        t.replace("quotas: { vpcsPerRegion: 100,", "quotas: { securityGroupInboundRules: 200, vpcsPerRegion: 100,");
    let p = plan_value(&raised);
    let sts = p["endpoints"].as_array().unwrap().iter().find(|e| e["id"] == "hub/sts").unwrap();
    assert_eq!(sts["securityGroup"]["ingress"].as_array().unwrap().len(), 70);
    assert!(sts["securityGroup"].get("prefixList").is_none());
}

#[test]
fn privatelink_example_admits_only_the_consumer_account_and_its_workloads() {
    let p = plan_value(&example("privatelink-service"));
    let s = &p["privatelink"][0];
    assert_eq!(s["name"], "partner-api");
    assert_eq!(s["acceptanceRequired"], true);
    assert_eq!(s["allowedPrincipals"], serde_json::json!(["arn:aws:iam::555555555555:root"]));
    assert_eq!(s["producer"]["subnets"].as_array().unwrap().len(), 2);
    let c = &s["consumers"][0];
    assert_eq!(c["privateDns"], false);
    // only the consumer's workload subnets, on the service port
    let workload: Vec<&str> = p["vpcs"]["consumer"]["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["tier"] == "workload")
        .map(|x| x["cidr"].as_str().unwrap())
        .collect();
    let ingress: Vec<(&str, u64)> = c["securityGroup"]["ingress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["cidr"].as_str().unwrap(), i["port"].as_u64().unwrap()))
        .collect();
    let endpoints: Vec<&str> = p["vpcs"]["consumer"]["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["tier"] == "endpoints")
        .map(|x| x["cidr"].as_str().unwrap())
        .collect();
    assert!(ingress.iter().all(|(_, port)| *port == 443));
    let within = |inner: &str, outer: &str| {
        let (a, b) = (range(inner), range(outer));
        b.0 <= a.0 && a.1 <= b.1
    };
    assert!(workload.iter().all(|w| ingress.iter().any(|(c, _)| within(w, c))), "{ingress:?} must cover {workload:?}");
    assert!(
        endpoints.iter().all(|e| !ingress.iter().any(|(c, _)| within(e, c))),
        "{ingress:?} must not admit {endpoints:?}"
    );
}

fn range(cidr: &str) -> (u64, u64) {
    let (ip, len) = cidr.split_once('/').unwrap();
    let start = u64::from(u32::from(ip.parse::<std::net::Ipv4Addr>().unwrap()));
    (start, start + (1u64 << (32 - len.parse::<u32>().unwrap())))
}

#[test]
fn privatelink_consumer_in_another_region_or_uncovered_az_is_refused() {
    let base = example("privatelink-service");
    let other_region = base.replace(
        "region: eu-west-1\n    size: 20\n    azs: [euw1-az1, euw1-az2]\nendpoints",
        "region: eu-central-1\n    size: 20\n    azs: [euc1-az1, euc1-az2]\nendpoints",
    );
    assert_ne!(other_region, base);
    let o = run(&other_region);
    let d = o.diagnostics.iter().find(|d| d.code == "LP037").expect("LP037");
    assert!(
        d.message
            .contains("consumer `consumer` is in eu-central-1, but service `partner-api` is produced in eu-west-1"),
        "{}",
        d.message
    );
    assert_eq!(d.line, 36, "at the consumer entry");
    // asked for: planned, with the consumer's region supported
    let asked = other_region.replace("acceptanceRequired: true", "acceptanceRequired: true\n    crossRegion: true");
    let p = plan_value(&asked);
    assert_eq!(p["privatelink"][0]["supportedRegions"], serde_json::json!(["eu-central-1"]));

    let uncovered = base.replace("    azs: [euw1-az1, euw1-az2]\n  consumer:", "    azs: [euw1-az1]\n  consumer:");
    assert_ne!(uncovered, base);
    let o = run(&uncovered);
    let d = o.diagnostics.iter().find(|d| d.code == "LP030").expect("LP030");
    assert!(d.message.contains("no load balancer in euw1-az2, an AZ of consumer `consumer`"), "{}", d.message);
}

#[test]
fn studio_plan_names_each_domain_and_the_portal_api_endpoint() {
    let p = plan_value(&example("studio-multi-account"));
    let s = &p["studio"];
    assert_eq!(s["portal"]["vpc"], "access");
    assert_eq!(s["portal"]["presignedUrlTtlSeconds"], 20);
    assert_eq!(s["portal"]["apiEndpoint"], "networking/execute-api");
    let domains = s["domains"].as_array().unwrap();
    let names: Vec<&str> = domains.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["studio-multi-account-lob-a", "studio-multi-account-lob-b"]);
    assert_eq!(domains[1]["accountId"], "333333333333");
    assert_eq!(domains[1]["users"], serde_json::json!(["user-lob-b"]));
    // every role the domains name is planned
    let roles: Vec<&str> = p["iam"]["roles"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    for d in domains {
        assert!(
            roles.contains(&d["urlRole"].as_str().unwrap()) && roles.contains(&d["executionRole"].as_str().unwrap())
        );
    }
    assert!(plan_value(&bedrock()).get("studio").is_none());
}

/// Seed 001's bank: a prod and a non-prod hub per region in one network
/// account. Each hub's table reaches exactly the VPCs it serves, each
/// segment resolves through a Profile of its own, every workload reaches its
/// own segment's hub, and the proof finds the segments isolated.
#[test]
fn the_two_hub_bank_layout_is_proved_isolated() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/rules/LP070-ok-bank-layout-isolated.yaml"))
            .unwrap();
    let p = plan_value(&text);
    let hubs = ["hub-prod-euc1", "hub-dev-euc1", "hub-prod-euw1", "hub-dev-euw1"];
    for g in p["routing"]["transitGateways"].as_array().unwrap() {
        for t in g["routeTables"].as_array().unwrap() {
            let props: Vec<&str> = t["propagations"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            let assoc: Vec<&str> = t["associations"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            if let Some(hub) = hubs.iter().find(|h| assoc == [**h]) {
                let served = if hub.starts_with("hub-prod") { "payments" } else { "sandbox" };
                assert_eq!(
                    props,
                    [format!("{served}-{}", &hub[hub.len() - 4..])],
                    "{hub} reaches exactly what it serves"
                );
            }
            if t["name"] != "peering" {
                assert!(
                    props.iter().filter(|v| hubs.contains(v)).count() <= 1,
                    "{}: no table reaches two hubs",
                    t["id"]
                );
            }
        }
    }
    let profiles = p["dns"]["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 4, "a Profile per account, region and segment");
    for pr in profiles {
        let assoc = pr["associations"].as_array().unwrap();
        let prod = pr["id"].as_str().unwrap().ends_with("/prod");
        assert!(
            assoc.iter().all(|v| v.as_str().unwrap().starts_with(if prod { "payments" } else { "sandbox" })),
            "{pr}"
        );
    }
    for proof in p["reachability"].as_array().unwrap() {
        assert_eq!(proof["status"], "ok", "{proof}");
        let hub = if proof["workload"].as_str().unwrap().starts_with("payments") { "hub-prod" } else { "hub-dev" };
        assert!(proof["path"].to_string().contains(hub), "{proof}");
    }
    let isolation = p["isolation"].as_array().unwrap();
    assert_eq!(isolation.len(), 2);
    assert!(isolation.iter().all(|i| i["status"] == "isolated" && i.get("exceptions").is_none()), "{isolation:?}");
}

/// A hub sharing Keyspaces and SES's SMTP endpoint with an app VPC: the
/// endpoints' security groups open the services' ports (9142, CDK's
/// KEYSPACES; the SMTP ports of "Connecting to an Amazon SES SMTP
/// endpoint"), not 443, and the proof checks those ports.
fn ports_topology() -> String {
    r#"apiVersion: linkplan/v1alpha1
name: ports
organization: { id: o-exampleorg1 }
accounts:
  net: { id: "111111111111" }
  app: { id: "222222222222" }
addressing:
  pools: [{ cidr: 10.0.0.0/16 }]
vpcs:
  hub-use1: { account: net, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }
  app-use1: { account: app, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }
transit: { mode: transit-gateway, owner: net, attach: [hub-use1, app-use1] }
endpoints:
  - { vpc: hub-use1, services: [cassandra, email-smtp], share: [app-use1] }
workloads:
  - { name: app, vpc: app-use1, needs: [cassandra, email-smtp] }
dns: { mode: profile }
"#
    .to_owned()
}

#[test]
fn endpoint_security_groups_open_the_services_ports() {
    let p = plan_value(&ports_topology());
    let ports = |id: &str| -> Vec<u64> {
        let e = p["endpoints"].as_array().unwrap().iter().find(|e| e["id"] == id).unwrap();
        let mut v: Vec<u64> =
            e["securityGroup"]["ingress"].as_array().unwrap().iter().map(|i| i["port"].as_u64().unwrap()).collect();
        v.dedup();
        v
    };
    assert_eq!(ports("hub-use1/cassandra"), [9142]);
    assert_eq!(ports("hub-use1/email-smtp"), [25, 465, 587, 2465, 2587]);
    let proofs = p["reachability"].as_array().unwrap();
    assert_eq!(proofs.len(), 2, "{proofs:?}");
    assert!(proofs.iter().all(|x| x["ok"] == true), "{proofs:?}");
    let keyspaces = proofs.iter().find(|x| x["service"] == "cassandra").unwrap();
    assert!(keyspaces.to_string().contains("on TCP 9142"), "{keyspaces}");
}

/// A hub in us-east-1 sharing `sts` and `s3-interface` with a consumer of its
/// region, and `lambda` with that one and one in eu-west-1.
fn profile_endpoints_topology() -> String {
    r#"apiVersion: linkplan/v1alpha1
name: profile-endpoints
organization: { id: o-exampleorg1 }
accounts:
  net: { id: "111111111111" }
  app: { id: "222222222222" }
addressing:
  pools: [{ cidr: 10.0.0.0/16 }]
vpcs:
  hub-use1: { account: net, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }
  app-use1: { account: app, region: us-east-1, size: 20, azs: [use1-az1, use1-az2] }
  app-euw1: { account: app, region: eu-west-1, size: 20, azs: [euw1-az1, euw1-az2] }
transit: { mode: transit-gateway, owner: net, attach: [hub-use1, app-use1, app-euw1] }
endpoints:
  - { vpc: hub-use1, services: [sts, s3-interface], share: [app-use1] }
  - { vpc: hub-use1, services: [lambda], share: [app-use1, app-euw1] }
workloads:
  - { name: near, vpc: app-use1, needs: [sts, s3-interface, lambda] }
  - { name: far, vpc: app-euw1, needs: [lambda@us-east-1] }
dns: { mode: profile }
"#
    .to_owned()
}

#[test]
fn a_profile_holds_same_region_hub_endpoints_themselves_and_zones_for_the_rest() {
    let p = plan_value(&profile_endpoints_topology());
    let endpoint = |id: &str| p["endpoints"].as_array().unwrap().iter().find(|e| e["id"] == id).unwrap().clone();
    // only sts qualifies: s3-interface's private DNS needs a gateway endpoint
    // beside it, lambda has a consumer in another region
    assert_eq!(endpoint("hub-use1/sts")["privateDns"], true);
    assert_eq!(endpoint("hub-use1/s3-interface")["privateDns"], false);
    assert_eq!(endpoint("hub-use1/lambda")["privateDns"], false);
    let zones: Vec<&str> =
        p["dns"]["hostedZones"].as_array().unwrap().iter().map(|z| z["endpoint"].as_str().unwrap()).collect();
    assert!(!zones.contains(&"hub-use1/sts"), "{zones:?}");
    assert!(zones.contains(&"hub-use1/s3-interface") && zones.contains(&"hub-use1/lambda"), "{zones:?}");
    let profile =
        |region: &str| p["dns"]["profiles"].as_array().unwrap().iter().find(|x| x["region"] == region).unwrap().clone();
    let use1 = profile("us-east-1");
    assert_eq!(use1["endpoints"], serde_json::json!(["hub-use1/sts"]));
    assert_eq!(use1["endpointAssociationNames"]["hub-use1/sts"], "hub-use1-sts-endpoint");
    assert_eq!(use1["associations"], serde_json::json!(["app-use1"]));
    let euw1 = profile("eu-west-1");
    assert!(euw1.get("endpoints").is_none(), "{euw1}");
    assert!(euw1["zones"].as_array().unwrap().iter().all(|z| z.as_str().unwrap().contains("lambda")), "{euw1}");
    // the proof follows each way
    let proofs = p["reachability"].as_array().unwrap();
    assert!(proofs.iter().all(|x| x["ok"] == true), "{proofs:#?}");
    let dns_of = |workload: &str, service: &str| {
        let x = proofs.iter().find(|x| x["workload"] == workload && x["service"] == service).unwrap();
        x["path"][0]["detail"].as_str().unwrap().to_owned()
    };
    assert!(dns_of("near", "sts").contains("private DNS of `hub-use1/sts`, associated with Route 53 Profile"));
    assert!(dns_of("near", "lambda").contains("resolve through Route 53 Profile"));
    assert!(dns_of("far", "lambda").contains("resolve through Route 53 Profile"));
}

#[test]
fn profile_names_hosted_zone_keeps_a_zone_for_every_shared_name() {
    let t = profile_endpoints_topology()
        .replace("dns: { mode: profile }", "dns: { mode: profile, profileNames: hosted-zone }");
    let p = plan_value(&t);
    let sts = p["endpoints"].as_array().unwrap().iter().find(|e| e["id"] == "hub-use1/sts").unwrap();
    assert_eq!(sts["privateDns"], false);
    assert!(p["dns"]["hostedZones"].as_array().unwrap().iter().any(|z| z["endpoint"] == "hub-use1/sts"));
    assert!(p["dns"]["profiles"].as_array().unwrap().iter().all(|x| x.get("endpoints").is_none()));
    assert!(p["reachability"].as_array().unwrap().iter().all(|x| x["ok"] == true));
}
