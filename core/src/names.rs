//! The names Linkplan gives AWS resources, each kind with the length and
//! characters AWS documents for it. Every name a construct sets comes from
//! here, through the plan: a name that would be too long keeps its start and
//! gets a stable hash of the whole, so two long names never collide and the
//! same topology always gives the same name. Nothing is truncated elsewhere.
//!
//! The limits are those of botocore's service models (the `max` and
//! `pattern` of each operation's name member, checked by
//! `tests/names_botocore.rs`) or, where the model gives none, of the page
//! named beside the rule.

use std::fmt::Write as _;

/// The characters a kind of name may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// IAM names: `[\w+=,.@-]`.
    Iam,
    /// Lambda function names: `[a-zA-Z0-9-_]`.
    Lambda,
    /// CloudWatch Logs group names: `[.\-_/#A-Za-z0-9]`.
    LogGroup,
    /// SSM parameter names: letters, digits, `.`, `-`, `_` and the `/` of
    /// the hierarchy.
    Parameter,
    /// Route 53 Resolver and Profile names: `[a-zA-Z0-9\-_ ]`, not only digits.
    Route53,
    /// Letters, digits and hyphens, starting and ending with a letter or
    /// digit: SageMaker domains and user profiles, load balancers and
    /// target groups.
    Hyphenated,
    /// CloudFormation stack names: a letter, then letters, digits and hyphens.
    Stack,
}

impl Charset {
    fn allows(self, c: char) -> bool {
        let alnum = c.is_ascii_alphanumeric();
        match self {
            Charset::Iam => alnum || "_+=,.@-".contains(c),
            Charset::Lambda => alnum || c == '-' || c == '_',
            Charset::LogGroup => alnum || "._-/#".contains(c),
            Charset::Parameter => alnum || "._-/".contains(c),
            Charset::Route53 => alnum || c == '-' || c == '_' || c == ' ',
            Charset::Hyphenated | Charset::Stack => alnum || c == '-',
        }
    }
}

/// One kind of AWS name.
#[derive(Clone, Copy, Debug)]
pub struct NameRule {
    /// What is named, for messages and docs.
    pub what: &'static str,
    /// The most characters AWS accepts.
    pub max: usize,
    pub charset: Charset,
    /// The service model (`service:Operation.Member`) or page the limit is from.
    pub source: &'static str,
}

/// `iam:CreateRole.RoleName`.
pub const IAM_ROLE: NameRule =
    NameRule { what: "IAM role", max: 64, charset: Charset::Iam, source: "iam:CreateRole.RoleName" };
/// Lambda allows 64 characters for a bare function name (the model's 140
/// counts a whole ARN): <https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html>.
pub const LAMBDA_FUNCTION: NameRule = NameRule {
    what: "Lambda function",
    max: 64,
    charset: Charset::Lambda,
    source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-FunctionName",
};
/// `logs:CreateLogGroup.logGroupName`.
pub const LOG_GROUP: NameRule =
    NameRule { what: "log group", max: 512, charset: Charset::LogGroup, source: "logs:CreateLogGroup.logGroupName" };
/// `ssm:PutParameter.Name`.
pub const SSM_PARAMETER: NameRule =
    NameRule { what: "SSM parameter", max: 2048, charset: Charset::Parameter, source: "ssm:PutParameter.Name" };
/// `sagemaker:CreateDomain.DomainName`.
pub const SAGEMAKER_DOMAIN: NameRule = NameRule {
    what: "SageMaker domain",
    max: 63,
    charset: Charset::Hyphenated,
    source: "sagemaker:CreateDomain.DomainName",
};
/// Load balancer names: 32 characters, letters, digits and hyphens
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html>).
pub const LOAD_BALANCER: NameRule = NameRule {
    what: "load balancer",
    max: 32,
    charset: Charset::Hyphenated,
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
};
/// Target group names: as load balancers'
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html>).
pub const TARGET_GROUP: NameRule = NameRule {
    what: "target group",
    max: 32,
    charset: Charset::Hyphenated,
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
};
/// `route53resolver:CreateResolverEndpoint.Name`.
pub const RESOLVER_ENDPOINT: NameRule = NameRule {
    what: "resolver endpoint",
    max: 64,
    charset: Charset::Route53,
    source: "route53resolver:CreateResolverEndpoint.Name",
};
/// `route53resolver:CreateResolverRule.Name`.
pub const RESOLVER_RULE: NameRule = NameRule {
    what: "resolver rule",
    max: 64,
    charset: Charset::Route53,
    source: "route53resolver:CreateResolverRule.Name",
};
/// `route53resolver:AssociateResolverRule.Name`.
pub const RESOLVER_RULE_ASSOCIATION: NameRule = NameRule {
    what: "resolver rule association",
    max: 64,
    charset: Charset::Route53,
    source: "route53resolver:AssociateResolverRule.Name",
};
/// `route53resolver:CreateResolverQueryLogConfig.Name`.
pub const QUERY_LOG_CONFIG: NameRule = NameRule {
    what: "resolver query log configuration",
    max: 64,
    charset: Charset::Route53,
    source: "route53resolver:CreateResolverQueryLogConfig.Name",
};
/// `route53profiles:CreateProfile.Name`.
pub const PROFILE: NameRule = NameRule {
    what: "Route 53 Profile",
    max: 64,
    charset: Charset::Route53,
    source: "route53profiles:CreateProfile.Name",
};
/// `route53profiles:AssociateProfile.Name`.
pub const PROFILE_ASSOCIATION: NameRule = NameRule {
    what: "Route 53 Profile association",
    max: 64,
    charset: Charset::Route53,
    source: "route53profiles:AssociateProfile.Name",
};
/// `route53profiles:AssociateResourceToProfile.Name`.
pub const PROFILE_RESOURCE_ASSOCIATION: NameRule = NameRule {
    what: "Route 53 Profile resource association",
    max: 64,
    charset: Charset::Route53,
    source: "route53profiles:AssociateResourceToProfile.Name",
};
/// RAM share names have no documented limit; Linkplan keeps them to the
/// IAM-like 64 so they stay readable in the console.
pub const RESOURCE_SHARE: NameRule = NameRule {
    what: "RAM resource share",
    max: 64,
    charset: Charset::Route53,
    source: "https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html",
};
/// Stack names: 128 characters, a letter first, then letters, digits and
/// hyphens (<https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html>).
pub const STACK: NameRule = NameRule {
    what: "CloudFormation stack",
    max: 128,
    charset: Charset::Stack,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html",
};
/// API Gateway REST API names (no limit in the model; the console shows 128).
pub const REST_API: NameRule = NameRule {
    what: "REST API",
    max: 128,
    charset: Charset::Lambda,
    source: "https://docs.aws.amazon.com/apigateway/latest/api/API_CreateRestApi.html",
};
/// `cognito-idp:CreateUserPool.PoolName`.
pub const USER_POOL: NameRule = NameRule {
    what: "Cognito user pool",
    max: 128,
    charset: Charset::Iam,
    source: "cognito-idp:CreateUserPool.PoolName",
};

/// Every rule, for the docs and the botocore test.
pub const ALL: &[NameRule] = &[
    IAM_ROLE,
    LAMBDA_FUNCTION,
    LOG_GROUP,
    SSM_PARAMETER,
    SAGEMAKER_DOMAIN,
    LOAD_BALANCER,
    TARGET_GROUP,
    RESOLVER_ENDPOINT,
    RESOLVER_RULE,
    RESOLVER_RULE_ASSOCIATION,
    QUERY_LOG_CONFIG,
    PROFILE,
    PROFILE_ASSOCIATION,
    PROFILE_RESOURCE_ASSOCIATION,
    RESOURCE_SHARE,
    STACK,
    REST_API,
    USER_POOL,
];

/// Characters of the hash a shortened name ends with.
const HASH_LEN: usize = 8;

impl NameRule {
    /// The name of `parts` joined by `-`: characters the kind does not allow
    /// become `-`; past `max`, the start is kept and `-` and a stable hash of
    /// the whole name end it.
    pub fn name(&self, parts: &[&str]) -> String {
        let joined = parts.join("-");
        let mut name: String = joined.chars().map(|c| if self.charset.allows(c) { c } else { '-' }).collect();
        match self.charset {
            Charset::Stack if !name.starts_with(|c: char| c.is_ascii_alphabetic()) => name.insert_str(0, "lp-"),
            Charset::Hyphenated => {
                name = name.trim_matches('-').to_owned();
                // a load balancer name must not begin with `internal-`
                if name.starts_with("internal-") {
                    name.insert_str(0, "lp-");
                }
            }
            Charset::Route53 if name.chars().all(|c| c.is_ascii_digit()) => name.insert_str(0, "lp-"),
            _ => {}
        }
        if name.len() <= self.max {
            return name;
        }
        let keep = self.max - HASH_LEN - 1;
        let mut head: String = name.chars().take(keep).collect();
        while head.ends_with(['-', ' ', '.']) {
            head.pop();
        }
        let _ = write!(head, "-{:08x}", fnv1a(joined.as_bytes()) & 0xffff_ffff);
        head
    }
}

/// FNV-1a (64 bit): stable across versions and platforms, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The SSM parameter path of a topology's published values: `/linkplan/<topology>/`.
pub fn parameter_prefix(topology: &str) -> String {
    format!("/linkplan/{topology}/")
}

/// The SSM parameter holding a value other stacks read: `/linkplan/<topology>/<key>`.
pub fn parameter(topology: &str, key: &[&str]) -> String {
    let mut parts = vec!["", "linkplan", topology];
    parts.extend_from_slice(key);
    SSM_PARAMETER.name(&[&parts.join("/")])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_kept_and_bad_characters_replaced() {
        assert_eq!(IAM_ROLE.name(&["t", "bedrock-fn"]), "t-bedrock-fn");
        assert_eq!(RESOLVER_RULE.name(&["t", "sts.us-east-1.amazonaws.com"]), "t-sts-us-east-1-amazonaws-com");
        assert_eq!(SAGEMAKER_DOMAIN.name(&["-t", "lob_a-"]), "t-lob-a");
        assert_eq!(STACK.name(&["9t", "a"]), "lp-9t-a");
        assert_eq!(LOAD_BALANCER.name(&["internal", "svc"]), "lp-internal-svc");
    }

    #[test]
    fn long_names_end_in_a_stable_hash_and_never_collide() {
        let long = "x".repeat(80);
        for rule in ALL {
            let a = rule.name(&[&long, "bedrock-invoker"]);
            let b = rule.name(&[&long, "bedrock-fn"]);
            assert!(a.len() <= rule.max, "{}: {a}", rule.what);
            assert_eq!(a, rule.name(&[&long, "bedrock-invoker"]), "{}", rule.what);
            if a.len() == rule.max {
                assert_ne!(a, b, "{}", rule.what);
            }
            assert!(a.chars().all(|c| rule.charset.allows(c)), "{}: {a}", rule.what);
        }
        // a load balancer name of 33 characters: 23 of its start, a hyphen, 8 of hash
        let lb = LOAD_BALANCER.name(&["a".repeat(33).as_str()]);
        assert_eq!(lb.len(), 32);
        assert!(lb.starts_with(&"a".repeat(23)));
    }

    #[test]
    fn parameters_live_under_the_topology() {
        assert_eq!(parameter("t", &["vpc", "a", "id"]), "/linkplan/t/vpc/a/id");
    }
}
