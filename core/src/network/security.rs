//! LP050: security weaknesses the spec asks for explicitly. They are
//! warnings: the user may mean them, but should see them.

use super::Ctx;
use crate::cidr::Ipv4Net;
use crate::diagnostic::{Finding, Rule};
use crate::source::Pointer;

/// On-premises ranges wider than this are flagged when admitted into SGs.
const WIDE_PREFIX: u8 = 16;

pub fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if let Some(b) = &cx.topo.bedrock {
        for (i, m) in b.models.iter().enumerate() {
            if m.contains('*') {
                out.push(
                    Finding::at(
                        Rule::Lp050,
                        &Pointer::root().key("bedrock").key("models").index(i),
                        format!("model `{m}` is a wildcard: the function may invoke any matching model"),
                    )
                    .warning()
                    .hint("list the model IDs the workloads use"),
                );
            }
        }
    }
    for (i, pl) in cx.topo.privatelink.iter().enumerate() {
        if !pl.acceptance_required {
            out.push(
                Finding::at(
                    Rule::Lp050,
                    &Pointer::root().key("privatelink").index(i).key("acceptanceRequired"),
                    format!("endpoint service `{}` accepts connections without review", pl.name),
                )
                .warning()
                .hint("keep `acceptanceRequired: true` unless every allowed principal is trusted"),
            );
        }
    }
    if let Some(onprem) = cx.topo.dns.as_ref().and_then(|d| d.on_premises.as_ref()) {
        for (i, c) in onprem.cidrs.iter().enumerate() {
            if c.parse::<Ipv4Net>().is_ok_and(|n| n.prefix() < WIDE_PREFIX) {
                out.push(
                    Finding::at(
                        Rule::Lp050,
                        &Pointer::root().key("dns").key("onPremises").key("cidrs").index(i),
                        format!(
                            "on-premises range {c} is wider than /{WIDE_PREFIX} and is admitted to the hub's endpoints"
                        ),
                    )
                    .warning()
                    .hint("list the on-premises networks that need the endpoints"),
                );
            }
        }
    }
}
