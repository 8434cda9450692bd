//! The endpoint service catalog: which short names exist and whether they
//! are interface endpoints (an ENI per AZ) or gateway endpoints (route-table
//! entries, no ENI). Sources: AWS PrivateLink "AWS services that integrate
//! with AWS PrivateLink" and `shared/reference/facts.md`.

/// How an endpoint service is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointKind {
    Interface,
    Gateway,
}

/// One endpoint service by its short name (`bedrock-runtime`).
#[derive(Clone, Copy, Debug)]
pub struct Service {
    pub short: &'static str,
    pub kind: EndpointKind,
}

use EndpointKind::{Gateway, Interface};

/// Sorted by short name.
const SERVICES: &[Service] = &[
    Service { short: "bedrock", kind: Interface },
    Service { short: "bedrock-agent", kind: Interface },
    Service { short: "bedrock-agent-runtime", kind: Interface },
    Service { short: "bedrock-runtime", kind: Interface },
    Service { short: "dynamodb", kind: Gateway },
    Service { short: "ec2", kind: Interface },
    Service { short: "ec2messages", kind: Interface },
    Service { short: "ecr.api", kind: Interface },
    Service { short: "ecr.dkr", kind: Interface },
    Service { short: "execute-api", kind: Interface },
    Service { short: "kms", kind: Interface },
    Service { short: "lambda", kind: Interface },
    Service { short: "logs", kind: Interface },
    Service { short: "monitoring", kind: Interface },
    Service { short: "s3", kind: Gateway },
    Service { short: "sagemaker.api", kind: Interface },
    Service { short: "sagemaker.notebook", kind: Interface },
    Service { short: "sagemaker.runtime", kind: Interface },
    Service { short: "sagemaker.studio", kind: Interface },
    Service { short: "secretsmanager", kind: Interface },
    Service { short: "ssm", kind: Interface },
    Service { short: "ssmmessages", kind: Interface },
    Service { short: "sts", kind: Interface },
];

pub fn service(short: &str) -> Option<&'static Service> {
    SERVICES.binary_search_by(|s| s.short.cmp(short)).ok().and_then(|i| SERVICES.get(i))
}

pub fn short_names() -> impl Iterator<Item = &'static str> {
    SERVICES.iter().map(|s| s.short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_for_binary_search() {
        assert!(SERVICES.windows(2).all(|w| w[0].short < w[1].short));
        assert_eq!(service("dynamodb").map(|s| s.kind), Some(Gateway));
        assert!(service("bedrock-runtim").is_none());
    }
}
