//! The rule registry: every rule's code, severity, title, explanation and a
//! small example, in one place. `docs/rules.md` is generated from it (a test
//! keeps it current), each diagnostic links to its rule's section there, and
//! `plan rules CODE` prints the same page.
//!
//! A code keeps one meaning: a new kind of finding gets a new code.

use crate::diagnostic::Severity;
use std::fmt::Write as _;

/// Where the rules are documented; a diagnostic's `url` is this plus its
/// rule's anchor.
pub const DOCS: &str = "https://github.com/linkplan/linkplan/blob/main/docs/rules.md";

/// One rule, as documented.
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    pub rule: Rule,
    pub code: &'static str,
    pub severity: Severity,
    /// What the rule finds, in one line.
    pub title: &'static str,
    /// Why it matters and how it is decided.
    pub explanation: &'static str,
    /// A topology excerpt that triggers it.
    pub example: &'static str,
}

macro_rules! rules {
    ($($variant:ident $code:literal $severity:ident {
        title: $title:literal,
        explanation: $explanation:literal,
        example: $example:literal $(,)?
    })*) => {
        /// The rule codes of the topology spec. The codes are normative:
        /// users and tests match on them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(#[doc = $title] $variant,)*
        }

        /// Every rule, in code order.
        pub const ALL: &[RuleInfo] = &[
            $(RuleInfo {
                rule: Rule::$variant,
                code: $code,
                severity: Severity::$severity,
                title: $title,
                explanation: $explanation,
                example: $example,
            },)*
        ];

        impl Rule {
            pub fn info(self) -> &'static RuleInfo {
                match self {
                    $(Rule::$variant => &ALL[Rule::$variant as usize],)*
                }
            }
        }
    };
}

rules! {
    Lp000 "LP000" Error {
        title: "internal error in the Linkplan core",
        explanation: "The core failed on this input instead of reporting a finding. The binding turns such a failure into this diagnostic so that `cdk synth` is not killed. It is always a bug in Linkplan: please report it with the topology.",
        example: "",
    }
    Lp001 "LP001" Error {
        title: "the file does not parse, or a field is unknown, missing or of the wrong type",
        explanation: "The topology is checked against its JSON Schema (`plan schema`) before anything else, and every structural error is reported at once. An unknown field comes with a did-you-mean; a missing field names what to add; a value of the wrong type says what was expected. A CIDR that is not of the form `a.b.c.d/n`, and a VPC with both or neither of `cidr` and `size`, are LP001 too.",
        example: "vpcs:\n  app:\n    account: app\n    regoin: us-east-1   # LP001: unknown field `regoin`; did you mean `region`?\n",
    }
    Lp002 "LP002" Error {
        title: "the lock file is corrupt, of another version, or of another topology",
        explanation: "A lock that cannot be trusted is not used, and `plan lock` does not overwrite it: restore it from version control. A locked subnet outside its VPC, two locked subnets that overlap, or a lock of another topology's `name` are LP002.",
        example: "{ \"lockVersion\": 1, \"topology\": \"other\", \"vpcs\": {} }   # LP002: belongs to topology `other`\n",
    }
    Lp010 "LP010" Error {
        title: "a reference names something that does not exist, or that is not where it must be",
        explanation: "Names used across the file (accounts, VPCs, services, segments) must be defined, with a did-you-mean when one is close. A role's VPC must also belong to the role's account: `bedrock.vpc` of another account than `bedrock.account` is LP010.",
        example: "workloads:\n  - name: app\n    vpc: app-usee1   # LP010: no VPC `app-usee1`; did you mean `app-use1`?\n    needs: [sts]\n",
    }
    Lp011 "LP011" Error {
        title: "a name is defined twice",
        explanation: "A key twice in one mapping (YAML keeps the last silently), two workloads or services of one name, or one account ID under two account names.",
        example: "accounts:\n  app: { id: \"222222222222\" }\n  app: { id: \"333333333333\" }   # LP011: key `app` is defined twice\n",
    }
    Lp012 "LP012" Error {
        title: "an account ID is not 12 digits",
        explanation: "Account IDs are 12-digit strings. Unquoted in YAML they become numbers and lose their leading zeros, so they must be quoted.",
        example: "accounts:\n  app: { id: 012345678901 }   # LP012: quote it: \"012345678901\"\n",
    }
    Lp013 "LP013" Error {
        title: "an unknown region, an AZ ID not in the VPC's region, or more AZs than the region has",
        explanation: "Regions and AZ IDs are checked against the built-in table of AWS commercial regions. AZ IDs (`use1-az1`) name the same zone in every account, unlike AZ names (`us-east-1a`). `plan check --live` also reports an AZ ID or region the account lacks.",
        example: "vpcs:\n  app: { account: app, region: us-east-1, cidr: 10.0.0.0/16, azs: [use2-az1] }   # LP013\n",
    }
    Lp014 "LP014" Error {
        title: "a value is outside its allowed range or form",
        explanation: "A presigned URL TTL outside 5–300 seconds, a port outside 1–65535, an organization ID not of the form `o-…`, or a name (topology, account, VPC, tier) that is not letters, digits and dashes starting with a letter, at most 64 characters: names become parts of stack and resource names.",
        example: "studio:\n  portal: { account: shared, vpc: access, presignedUrlTtlSeconds: 900 }   # LP014\n",
    }
    Lp015 "LP015" Error {
        title: "a setting needs another that the topology does not give",
        explanation: "An option that only works together with another: an endpoint `policy: organization` needs `organization.id` for its `aws:PrincipalOrgID` condition.",
        example: "endpoints:\n  - vpc: hub\n    services: [sts]\n    policy: organization   # LP015: needs `organization: { id: o-… }`\n",
    }
    Lp020 "LP020" Error {
        title: "a CIDR is not canonical (host bits set)",
        explanation: "`10.0.0.1/16` is not a network; the canonical form `10.0.0.0/16` is given in the message. Linkplan does not guess which was meant.",
        example: "vpcs:\n  app: { account: app, region: us-east-1, cidr: 10.0.0.1/16, azs: 2 }   # LP020\n",
    }
    Lp021 "LP021" Error {
        title: "a VPC or subnet prefix outside /16–/28",
        explanation: "AWS accepts VPC and subnet prefix lengths from /16 to /28.",
        example: "vpcs:\n  app: { account: app, region: us-east-1, size: 30, azs: 2 }   # LP021\n",
    }
    Lp022 "LP022" Error {
        title: "two CIDRs overlap where they must not",
        explanation: "VPCs that can route to each other (attached to the transit in one segment, in segments that reach each other, or a hub and a VPC it serves), VPCs allocated from one pool, a VPC and a reserved range or on-premises network, or two pools. VPCs that never route to each other may overlap. `plan check --live` also reports existing VPCs of the accounts.",
        example: "vpcs:\n  a: { account: app, region: us-east-1, cidr: 10.0.0.0/16, azs: 2 }\n  b: { account: app, region: us-east-1, cidr: 10.0.0.0/20, azs: 2 }   # LP022 when a and b are attached\n",
    }
    Lp023 "LP023" Error {
        title: "no pool has room for a requested size",
        explanation: "Sized VPCs are allocated from `addressing.pools`, largest first; the message lists each pool tried with its free addresses and largest free block.",
        example: "addressing:\n  pools: [{ cidr: 10.0.0.0/20 }]\nvpcs:\n  big: { account: app, region: us-east-1, size: 16, azs: 2 }   # LP023\n",
    }
    Lp024 "LP024" Error {
        title: "the subnets of a VPC do not fit in its CIDR",
        explanation: "Every tier gets one subnet per AZ ID; their sizes together must fit the VPC, and no tier may be larger than the VPC.",
        example: "vpcs:\n  app: { account: app, region: us-east-1, cidr: 10.0.0.0/24, azs: 3, subnets: { workload: 24 } }   # LP024\n",
    }
    Lp025 "LP025" Error {
        title: "an endpoints subnet has too few addresses for its endpoint ENIs",
        explanation: "Each interface endpoint (and resolver endpoint, PrivateLink consumer) places one ENI per AZ in the `endpoints` subnet, and AWS reserves five addresses of every subnet. `auto` sizes the tier for twice the ENIs.",
        example: "vpcs:\n  hub: { account: net, region: us-east-1, cidr: 10.0.0.0/20, azs: 2, subnets: { endpoints: 28 } }   # LP025 with 12 endpoints\n",
    }
    Lp026 "LP026" Error {
        title: "the change would move a locked allocation",
        explanation: "A VPC or subnet whose CIDR moves is replaced by CloudFormation, and everything in it with it; a VPC cannot move to another account or region at all. Once locked, a change that would move one is refused: `cidr`, `size` or a tier's size, another `account` (by account ID) or `region` than the lock records, or AZs replaced so that the new AZs' subnets do not fit beside the locked ones (the finding names the locked AZs). The hint says what to put back, and the command that moves the VPC on purpose: `plan lock FILE --release VPC` drops its lock entry, and it is planned anew.",
        example: "vpcs:\n  app: { account: app, region: us-east-1, size: 19, azs: 2 }   # LP026: locked at a /20\n",
    }
    Lp027 "LP027" Warning {
        title: "an allocation is not in the lock file yet",
        explanation: "A VPC planned from a pool but not yet recorded could move when the topology changes. Run `plan lock` and commit the lock.",
        example: "vpcs:\n  new: { account: app, region: us-east-1, size: 20, azs: 2 }   # LP027 when a lock exists without `new`\n",
    }
    Lp028 "LP028" Warning {
        title: "a locked allocation is no longer in the topology",
        explanation: "A VPC removed from the topology keeps its lock entry, and its range stays taken, because it may still be deployed while its removal rolls out; so do the locked subnets of an AZ or tier a VPC no longer has. They are reported on every run until they are freed: `plan lock FILE --release VPC` frees one VPC's entry, `plan lock FILE --prune` every entry that left the topology.",
        example: "vpcs:\n  app: { account: app, region: us-east-1, size: 20, azs: 2 }\n# LP028 when the lock also holds `old`, a VPC no longer listed\n",
    }
    Lp029 "LP029" Warning {
        title: "a new VPC looks like a locked VPC renamed",
        explanation: "A VPC that is not in the lock, with the same account, region, address (fixed CIDR or size) and AZs as a locked VPC that is no longer in the topology, is most likely that VPC renamed. Without `was:` it is planned as a new VPC: a new CIDR and new CloudFormation logical IDs, so the deployed VPC would be replaced. `was: <old name>` on the VPC keeps the old one's allocation and logical IDs.",
        example: "vpcs:\n  payments: { account: app, region: us-east-1, size: 20, azs: 2 }   # LP029 when the lock holds `billing` like it; add `was: billing`\n",
    }
    Lp030 "LP030" Error {
        title: "a service is not offered in that region (or not in a planned AZ)",
        explanation: "An endpoint service the region does not offer, a `needs` entry for one, or a PrivateLink consumer in an AZ where the producer has no load balancer. The regions of each service are botocore's (docs/catalog.md); the hint names the regions that do offer it. `plan check --live` also reads the services each AZ offers.",
        example: "endpoints:\n  - vpc: app-euw3\n    services: [bedrock-runtime]   # LP030 in a region without Bedrock\n",
    }
    Lp031 "LP031" Error {
        title: "a workload cannot reach a service it needs",
        explanation: "The reachability proof follows each `workloads[].needs` entry: the name resolves to an endpoint, the route goes there and back, the endpoint's security group admits the workload. Flows of several hops (the Bedrock and Studio architectures) are followed hop by hop, each a request of its own principal. Each request's policies are evaluated as AWS does: the endpoint policy, the caller's identity policy, a role's trust policy, the target's resource policy. The finding names the first missing link (`service`, `endpoint`, `dns`, `route`, `security-group`, `endpoint-policy`, `identity-policy`, `trust-policy`, `resource-policy`), the statement that refuses, and what would supply it.",
        example: "workloads:\n  - name: app\n    vpc: app-apse1\n    needs: [sts@us-east-1]   # LP031 when no hub shares sts with app-apse1\n",
    }
    Lp032 "LP032" Error {
        title: "a shared hosted zone would collide with a consumer's own private DNS",
        explanation: "A consumer VPC with its own endpoint for a service, private DNS on, already answers the service's names; a hub's zone for the same names cannot be associated with it.",
        example: "endpoints:\n  - { vpc: hub, services: [sts], share: [app] }\n  - { vpc: app, services: [sts] }   # LP032\n",
    }
    Lp033 "LP033" Error {
        title: "two hubs serve the same service name to one VPC, or to on-premises",
        explanation: "A name resolves to one place: two hubs sharing the same service with one VPC would give it two zones for one name. In `resolver` mode with `dns.onPremises`, every hub's inbound resolver answers on-premises, whose forwarders send each name to one place: two hubs serving the same name to on-premises is the same conflict.",
        example: "endpoints:\n  - { vpc: hub-a, services: [sts], share: [app] }\n  - { vpc: hub-b, services: [sts], share: [app] }   # LP033\n",
    }
    Lp034 "LP034" Error {
        title: "a gateway endpoint is shared",
        explanation: "Gateway endpoints (`s3`, `dynamodb`) are route-table entries of their own VPC and serve no other VPC; list them in each VPC that needs them, or share their interface forms (`s3-interface`, `dynamodb-interface`), PrivateLink endpoints with names a hub can serve.",
        example: "endpoints:\n  - { vpc: hub, services: [s3], share: [app] }   # LP034\n",
    }
    Lp035 "LP035" Error {
        title: "a VPC would need two Route 53 Profiles",
        explanation: "A VPC can be associated with one Route 53 Profile; hubs of two accounts serving it in `profile` mode would need two.",
        example: "endpoints:\n  - { vpc: hub-net, services: [sts], share: [app] }\n  - { vpc: hub-ml, services: [bedrock-runtime], share: [app] }   # LP035 when the hubs are in two accounts\n",
    }
    Lp036 "LP036" Error {
        title: "a resolver-mode hub has fewer than two AZs",
        explanation: "Route 53 Resolver endpoints need IP addresses in at least two subnets, so a `resolver`-mode hub needs two AZ IDs.",
        example: "dns: { mode: resolver }\nvpcs:\n  hub: { account: net, region: us-east-1, cidr: 10.0.0.0/16, azs: 1 }   # LP036\n",
    }
    Lp037 "LP037" Error {
        title: "a PrivateLink consumer is in another region than its producer",
        explanation: "An interface endpoint connects to a service of its own region, unless the service is offered cross-region (`crossRegion: true` on the service).",
        example: "privatelink:\n  - name: api\n    producer: { vpc: prod-use1, port: 443 }\n    consumers: [app-euw1]   # LP037 without crossRegion: true\n",
    }
    Lp038 "LP038" Error {
        title: "endpoints are shared, but `dns.mode` is not set",
        explanation: "A hub's endpoints have private DNS off, so consumer VPCs resolve the services' names only through the DNS of `dns.mode` (Profile, zone associations or resolver rules).",
        example: "endpoints:\n  - { vpc: hub, services: [sts], share: [app] }   # LP038 without `dns: { mode: … }`\n",
    }
    Lp039 "LP039" Warning {
        title: "a flow or need cannot be proved before deploy",
        explanation: "The proof follows each request through the network and every policy on its way. When a policy uses a condition key or operator the evaluator does not model, or a link the topology cannot describe yet (a route from on-premises over VPN or Direct Connect), the proof is `unknown` or `unproved`, never `ok`: this warning names the link. Prove it after deploy (Reachability Analyzer, a test call).",
        example: "workloads:\n  - name: browser\n    kind: client\n    onPremises: true   # LP039: no route from on-premises is modelled\n    needs: [execute-api]\n",
    }
    Lp040 "LP040" Error {
        title: "an AWS quota would be exceeded",
        explanation: "The plan is measured against AWS's default quotas (or those `quotas:` says the accounts have raised): endpoints per VPC, VPCs per region, inbound rules per security group, VPCs per hosted zone and Profile, resolver rules, transit gateway attachments and routes, routes per route table, subnets per VPC. The message names the quota, the figure and the limit.",
        example: "vpcs:   # six VPCs of one account in one region: LP040 (vpcsPerRegion 5)\n",
    }
    Lp041 "LP041" Warning {
        title: "an AWS quota is at 80% or more",
        explanation: "Raise the quota before the next growth, then set `quotas:` to the raised figure.",
        example: "vpcs:   # four VPCs of one account in one region: LP041\n",
    }
    Lp050 "LP050" Warning {
        title: "a security weakness the topology asks for explicitly",
        explanation: "A wildcard in `bedrock.models`, an endpoint `policy: full-access`, a PrivateLink service with `acceptanceRequired: false`, or an on-premises range wider than /16.",
        example: "bedrock:\n  models: [\"anthropic.*\"]   # LP050\n",
    }
    Lp060 "LP060" Warning {
        title: "the live accounts already hold what the plan would create again",
        explanation: "Found by `plan check --live`: a transit gateway in the owner account and region where the plan creates one, or a VPC endpoint for a service the plan puts in another VPC of the same account and region.",
        example: "",
    }
    Lp070 "LP070" Error {
        title: "what must not reach each other can: a packet path crosses a boundary",
        explanation: "Segments that `transit.segments` does not let reach each other, and each `isolation:` assertion, are proved over the planned routes: no VPC of one side may have a route to a VPC of the other whose transit gateway table (or VPC peering) carries it on, in either direction; with `service`, no endpoint of that service may be reachable and admit the source. The finding names the path found. Routes a `serves` exception opens are allowed only to a hub that holds endpoints only.",
        example: "isolation:\n  - from: { segment: non-prod }\n    to: { segment: prod, service: bedrock-runtime }   # LP070 when a prod hub shares bedrock-runtime with non-prod\n",
    }
    Lp071 "LP071" Error {
        title: "a hub shares endpoints across a segment boundary",
        explanation: "Sharing a hub's endpoints with a VPC of a segment its own segment does not reach routes the two together, so it is a decision the topology states: `transit.segments.<hub's segment>.serves: [<segment>]`. The exception opens routes between the hub and those VPCs only, and is proved (LP070) to reach nothing but the hub's endpoints.",
        example: "vpcs:\n  hub-prod: { account: net, region: eu-central-1, size: 22, azs: 2, segment: prod }\n  app-dev: { account: dev, region: eu-central-1, size: 20, azs: 2, segment: non-prod }\nendpoints:\n  - { vpc: hub-prod, services: [sts], share: [app-dev] }   # LP071\n",
    }
    Lp072 "LP072" Error {
        title: "the planned stacks would wait for each other's values",
        explanation: "A stack that needs an ID another stack creates (a transit gateway, a Profile, a PrivateLink service name, an endpoint named in a Studio role's policy) deploys after that stack, which publishes it (see cdk.md, cross-stack values). When the stacks of the plan, one per account, region and role, would need each other's values in a cycle, none can deploy first: two accounts that each produce a PrivateLink service the other consumes in one region, or one account's hubs of two regions that each serve the other region's VPCs in `profile` mode (each region's Profile holds the other's zones). The finding names the cycle, at the PrivateLink consumer, Studio domain or hub `share` that closes it.",
        example: "privatelink:\n  - { name: a, producer: { vpc: app-1, port: 443 }, consumers: [app-2] }\n  - { name: b, producer: { vpc: app-2, port: 443 }, consumers: [app-1] }   # LP072 when app-1 and app-2 are in two accounts\n",
    }
    Lp073 "LP073" Error {
        title: "a planned stack would hold more CloudFormation resources than a stack may",
        explanation: "CloudFormation allows 500 resources per stack (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html), and does not raise it; `quotas.resourcesPerStack` can only lower the figure checked. The plan counts each stack's resources (`stacks[].resources`) by what the CDK library builds per planned item: per VPC its subnets, route tables, associations, flow logs, query logs, endpoints with their security groups and ingress rules, routes and connections; zones and records, Profiles, resolver endpoints and rules, transit gateways, their route tables and peerings, the SSM parameters and custom resources that carry values between stacks, the roles. A VPC stack holds every VPC of its account, region and role, so many VPCs in one place (a raised `quotas.vpcsPerRegion`) can pass the quota. The finding names the stack, its count and the VPC or section that adds the most; split the VPCs over more accounts or regions.",
        example: "quotas: { vpcsPerRegion: 20 }\nvpcs:   # LP073 when twenty spokes of one account and region, each with many endpoints, share a stack\n",
    }
}

impl Rule {
    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn default_severity(self) -> Severity {
        self.info().severity
    }

    /// The rule's section of `docs/rules.md`.
    pub fn url(self) -> String {
        format!("{DOCS}#{}", self.code().to_ascii_lowercase())
    }

    /// The rule of a code (`LP022`, any case).
    pub fn from_code(code: &str) -> Option<Rule> {
        ALL.iter().find(|r| r.code.eq_ignore_ascii_case(code)).map(|r| r.rule)
    }
}

impl RuleInfo {
    /// The rule's page, as `plan rules CODE` prints it.
    pub fn to_text(&self) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut s = format!("{} ({severity}): {}\n\n{}\n", self.code, self.title, self.explanation);
        if !self.example.is_empty() {
            s.push_str("\nExample:\n\n");
            for line in self.example.lines() {
                let _ = writeln!(s, "    {line}");
            }
        }
        let _ = writeln!(s, "\n{}", self.rule.url());
        s
    }
}

/// `docs/rules.md`: every rule with its explanation and example.
pub fn markdown() -> String {
    let mut s = String::from(
        "# Rules\n\n<!-- Generated from core/src/rules.rs by `plan rules --markdown`; a test keeps it current. -->\n\n\
         Every finding has one of these codes. `plan rules CODE` prints a rule's entry.\n\n\
         | code | severity | finds |\n| --- | --- | --- |\n",
    );
    for r in ALL {
        let severity = if r.severity == Severity::Error { "error" } else { "warning" };
        let _ = writeln!(s, "| [{}](#{}) | {severity} | {} |", r.code, r.code.to_ascii_lowercase(), r.title);
    }
    for r in ALL {
        let _ = write!(s, "\n## {}\n\n**{}**\n\n{}\n", r.code, r.title, r.explanation);
        if !r.example.is_empty() {
            let _ = write!(s, "\n```yaml\n{}```\n", r.example);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_in_code_order_and_each_rule_is_its_own_entry() {
        for (i, r) in ALL.iter().enumerate() {
            assert_eq!(r.rule as usize, i, "{}", r.code);
            assert_eq!(r.rule.code(), r.code);
            assert!(r.code.starts_with("LP") && r.code.len() == 5, "{}", r.code);
        }
        let mut codes: Vec<_> = ALL.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
    }

    #[test]
    fn codes_find_their_rules_and_link_to_their_section() {
        assert_eq!(Rule::from_code("lp022"), Some(Rule::Lp022));
        assert_eq!(Rule::from_code("LP999"), None);
        assert!(Rule::Lp022.url().ends_with("docs/rules.md#lp022"));
    }
}
