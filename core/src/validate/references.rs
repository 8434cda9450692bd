//! LP010 (references to things that do not exist, with a did-you-mean) and
//! LP011 (names defined twice), plus the form of names.

use crate::catalog;
use crate::diagnostic::{Anchor, Finding, Rule};
use crate::source::Pointer;
use crate::spec::{DEFAULT_SEGMENT, Topology};
use crate::suggest;
use std::collections::{BTreeMap, HashMap};

pub fn check(topo: &Topology, out: &mut Vec<Finding>) {
    let accounts: Vec<&str> = topo.accounts.keys().map(String::as_str).collect();
    let vpcs: Vec<&str> = topo.vpcs.keys().map(String::as_str).collect();
    let root = Pointer::root();

    names(topo, out);
    account_ids(topo, out);

    for (name, vpc) in &topo.vpcs {
        let p = root.key("vpcs").key(name);
        refer("account", &vpc.account, &accounts, &p.key("account"), out);
    }
    if let Some(t) = &topo.transit {
        let p = root.key("transit");
        if let Some(owner) = &t.owner {
            refer("account", owner, &accounts, &p.key("owner"), out);
        }
        unique_list(t.attach.iter().map(String::as_str), &p.key("attach"), "VPC", out);
        for (i, v) in t.attach.iter().enumerate() {
            refer("VPC", v, &vpcs, &p.key("attach").index(i), out);
        }
        segments(topo, t, &p, out);
    }
    isolation(topo, &vpcs, out);
    endpoints(topo, &vpcs, out);
    for (i, w) in topo.workloads.iter().enumerate() {
        let p = root.key("workloads").index(i);
        workload_place(topo, w, &vpcs, &p, out);
        for (j, need) in w.needs.iter().enumerate() {
            let service = need.split_once('@').map_or(need.as_str(), |(s, _)| s);
            service_ref(service, &p.key("needs").index(j), out);
        }
        unique_list(w.needs.iter().map(String::as_str), &p.key("needs"), "need", out);
    }
    if let Some(b) = &topo.bedrock {
        let p = root.key("bedrock");
        refer("account", &b.account, &accounts, &p.key("account"), out);
        refer("VPC", &b.vpc, &vpcs, &p.key("vpc"), out);
        owned_by(topo, &b.vpc, &b.account, &p.key("vpc"), out);
        for (i, a) in b.invokers.iter().enumerate() {
            refer("account", a, &accounts, &p.key("invokers").index(i), out);
        }
        unique_list(b.models.iter().map(String::as_str), &p.key("models"), "model", out);
    }
    if let Some(s) = &topo.studio {
        let p = root.key("studio").key("portal");
        refer("account", &s.portal.account, &accounts, &p.key("account"), out);
        refer("VPC", &s.portal.vpc, &vpcs, &p.key("vpc"), out);
        owned_by(topo, &s.portal.vpc, &s.portal.account, &p.key("vpc"), out);
        for (i, d) in s.domains.iter().enumerate() {
            let p = root.key("studio").key("domains").index(i);
            refer("account", &d.account, &accounts, &p.key("account"), out);
            refer("VPC", &d.vpc, &vpcs, &p.key("vpc"), out);
            owned_by(topo, &d.vpc, &d.account, &p.key("vpc"), out);
            unique_list(d.users.iter().map(String::as_str), &p.key("users"), "user", out);
        }
        unique_by(
            s.domains.iter().map(|d| d.lob.as_str()),
            &root.key("studio").key("domains"),
            "lob",
            "line of business",
            out,
        );
    }
    for (i, pl) in topo.privatelink.iter().enumerate() {
        let p = root.key("privatelink").index(i);
        refer("VPC", &pl.producer.vpc, &vpcs, &p.key("producer").key("vpc"), out);
        for (j, c) in pl.consumers.iter().enumerate() {
            refer("VPC", c, &vpcs, &p.key("consumers").index(j), out);
        }
        unique_list(pl.consumers.iter().map(String::as_str), &p.key("consumers"), "VPC", out);
    }
    unique_by(topo.workloads.iter().map(|w| w.name.as_str()), &root.key("workloads"), "name", "workload", out);
    unique_by(
        topo.privatelink.iter().map(|s| s.name.as_str()),
        &root.key("privatelink"),
        "name",
        "PrivateLink service",
        out,
    );
    unique_by(
        topo.addressing.reserved.iter().map(|r| r.name.as_str()),
        &root.key("addressing").key("reserved"),
        "name",
        "reserved range",
        out,
    );
}

fn endpoints(topo: &Topology, vpcs: &[&str], out: &mut Vec<Finding>) {
    let mut seen: HashMap<(&str, &str), Pointer> = HashMap::new();
    for (i, g) in topo.endpoints.iter().enumerate() {
        let p = Pointer::root().key("endpoints").index(i);
        refer("VPC", &g.vpc, vpcs, &p.key("vpc"), out);
        for (j, s) in g.share.iter().enumerate() {
            refer("VPC", s, vpcs, &p.key("share").index(j), out);
            if *s == g.vpc {
                out.push(
                    Finding::at(
                        Rule::Lp010,
                        &p.key("share").index(j),
                        format!("VPC `{s}` shares endpoints with itself"),
                    )
                    .hint("list only the other VPCs that use this hub"),
                );
            }
        }
        unique_list(g.share.iter().map(String::as_str), &p.key("share"), "VPC", out);
        for (j, s) in g.services.iter().enumerate() {
            let sp = p.key("services").index(j);
            service_ref(s, &sp, out);
            if let Some(first) = seen.get(&(g.vpc.as_str(), s.as_str())) {
                out.push(
                    Finding::at(Rule::Lp011, &sp, format!("service `{s}` is listed twice for VPC `{}`", g.vpc))
                        .hint("a VPC has one endpoint per service; remove one of the two")
                        .related(Anchor::Value(first.clone()), "first listed here"),
                );
            } else {
                seen.insert((g.vpc.as_str(), s.as_str()), sp);
            }
        }
    }
}

/// LP010 when `name` is not one of `known` (sorted: the keys of a map).
/// Where a workload runs: a VPC of the topology (and a tier of it), or, for a
/// `client` only, the on-premises networks of `dns.onPremises`.
fn workload_place(topo: &Topology, w: &crate::spec::Workload, vpcs: &[&str], p: &Pointer, out: &mut Vec<Finding>) {
    use crate::spec::WorkloadKind;
    if w.on_premises {
        if w.kind != Some(WorkloadKind::Client) {
            out.push(
                Finding::at(
                    Rule::Lp015,
                    &p.key("onPremises"),
                    format!("workload `{}` is on premises but not `kind: client`", w.name),
                )
                .hint("only a client runs outside AWS; give the workload `kind: client`, or a `vpc` instead"),
            );
        }
        if w.vpc.is_some() {
            out.push(
                Finding::at(
                    Rule::Lp015,
                    &p.key("vpc"),
                    format!("workload `{}` names a VPC and `onPremises: true`", w.name),
                )
                .hint("a workload runs in one place: drop `vpc` or `onPremises`"),
            );
        }
        if topo.dns.as_ref().and_then(|d| d.on_premises.as_ref()).is_none() {
            out.push(
                Finding::at(
                    Rule::Lp015,
                    &p.key("onPremises"),
                    format!("workload `{}` is on premises, but `dns.onPremises` names no networks", w.name),
                )
                .hint("add `dns: { onPremises: { cidrs: [...] } }` with the networks the clients are on"),
            );
        }
        return;
    }
    let Some(vpc) = &w.vpc else {
        out.push(
            Finding::at_key(Rule::Lp001, p, format!("workload `{}` has no `vpc`", w.name))
                .hint("name the VPC it runs in, or for a client outside AWS set `kind: client` and `onPremises: true`"),
        );
        return;
    };
    refer("VPC", vpc, vpcs, &p.key("vpc"), out);
    if let (Some(tier), Some(v)) = (&w.tier, topo.vpcs.get(vpc)) {
        let named: Vec<&str> = v.subnets.iter().flat_map(|s| s.keys().map(String::as_str)).collect();
        let mut known: Vec<&str> = ["workload"].into_iter().chain(named).collect();
        known.sort_unstable();
        known.dedup();
        if !known.contains(&tier.as_str()) {
            refer("tier", tier.as_str(), &known, &p.key("tier"), out);
        }
    }
}

fn refer(kind: &str, name: &str, known: &[&str], path: &Pointer, out: &mut Vec<Finding>) {
    if known.binary_search(&name).is_ok() {
        return;
    }
    let plural = if kind == "VPC" { "VPCs".to_owned() } else { format!("{kind}s") };
    let mut f = Finding::at(
        Rule::Lp010,
        path,
        format!(
            "{kind} `{name}` is not defined; expected one of the {plural} {}",
            suggest::list(known.iter().copied(), 8)
        ),
    );
    f = match suggest::hint_for(name, known.iter().copied()) {
        Some(h) => f.hint(h),
        None => f.hint(format!("define `{name}` or name an existing one")),
    };
    out.push(f);
}

fn service_ref(service: &str, path: &Pointer, out: &mut Vec<Finding>) {
    if catalog::service(service).is_some() {
        return;
    }
    let mut f =
        Finding::at(Rule::Lp010, path, format!("endpoint service `{service}` is not in Linkplan's service catalog"));
    f = match suggest::hint_for(service, catalog::short_names()) {
        Some(h) => f.hint(h),
        None => f.hint("use a short name such as `bedrock-runtime`, `sts` or `sagemaker.api`"),
    };
    out.push(f);
}

/// When `transit.segments` declares segments (its keys, and the default
/// one), every VPC's `segment` and every `reaches` and `serves` entry names
/// one of them.
fn segments(topo: &Topology, t: &crate::spec::Transit, p: &Pointer, out: &mut Vec<Finding>) {
    let root = Pointer::root();
    if let Some(segments) = &t.segments {
        // declared segments: the keys of `transit.segments`, and the
        // default one; a VPC's `segment` names one of them
        let mut declared: Vec<&str> = segments.keys().map(String::as_str).chain([DEFAULT_SEGMENT]).collect();
        declared.sort_unstable();
        declared.dedup();
        for (name, vpc) in &topo.vpcs {
            if let Some(seg) = &vpc.segment {
                refer("segment", seg, &declared, &root.key("vpcs").key(name).key("segment"), out);
            }
        }
        for (name, policy) in segments {
            let sp = p.key("segments").key(name);
            for (i, r) in policy.reaches.iter().enumerate() {
                refer("segment", r, &declared, &sp.key("reaches").index(i), out);
            }
            for (i, r) in policy.serves.iter().enumerate() {
                refer("segment", r, &declared, &sp.key("serves").index(i), out);
            }
        }
    }
}

/// `isolation:` entries: a segment or a VPC on each side (exactly one), a
/// known name, and a service only in `to`.
fn isolation(topo: &Topology, vpcs: &[&str], out: &mut Vec<Finding>) {
    let mut segments: Vec<&str> = topo
        .vpcs
        .values()
        .filter_map(|v| v.segment.as_deref())
        .chain(topo.transit.iter().flat_map(|t| t.segments.iter().flat_map(|m| m.keys().map(String::as_str))))
        .chain([DEFAULT_SEGMENT])
        .collect();
    segments.sort_unstable();
    segments.dedup();
    for (i, a) in topo.isolation.iter().enumerate() {
        let p = Pointer::root().key("isolation").index(i);
        for (side, scope) in [("from", &a.from), ("to", &a.to)] {
            let sp = p.key(side);
            match (&scope.segment, &scope.vpc) {
                (Some(seg), None) => refer("segment", seg, &segments, &sp.key("segment"), out),
                (None, Some(v)) => refer("VPC", v, vpcs, &sp.key("vpc"), out),
                _ => out.push(
                    Finding::at(
                        Rule::Lp001,
                        &sp,
                        format!("`isolation[{i}].{side}` names both a segment and a VPC, or neither"),
                    )
                    .hint("give exactly one: `{ segment: prod }` or `{ vpc: app-prod }`"),
                ),
            }
            if let Some(service) = &scope.service {
                if side == "from" {
                    out.push(
                        Finding::at(
                            Rule::Lp001,
                            &sp.key("service"),
                            "`service` belongs in `to`: what must not be reached",
                        )
                        .hint("move it to `to`"),
                    );
                } else {
                    service_ref(service.split_once('@').map_or(service.as_str(), |(s, _)| s), &sp.key("service"), out);
                }
            }
        }
    }
}

/// The VPC used for a role must belong to the role's account.
fn owned_by(topo: &Topology, vpc: &str, account: &str, path: &Pointer, out: &mut Vec<Finding>) {
    if let Some(v) = topo.vpcs.get(vpc)
        && v.account != account
        && topo.accounts.contains_key(account)
    {
        out.push(
            Finding::at(Rule::Lp010, path, format!("VPC `{vpc}` belongs to account `{}`, not `{account}`", v.account))
                .hint(format!("name a VPC of account `{account}`, or change the account")),
        );
    }
}

/// LP011 for a value listed twice in one list.
fn unique_list<'a>(items: impl Iterator<Item = &'a str>, path: &Pointer, kind: &str, out: &mut Vec<Finding>) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, item) in items.enumerate() {
        if let Some(&j) = first.get(item) {
            out.push(
                Finding::at(Rule::Lp011, &path.index(i), format!("{kind} `{item}` is listed twice"))
                    .hint("remove the second one")
                    .related(Anchor::Value(path.index(j)), "first listed here"),
            );
        } else {
            first.insert(item, i);
        }
    }
}

/// LP011 for list entries whose `field` repeats.
fn unique_by<'a>(
    items: impl Iterator<Item = &'a str>,
    list: &Pointer,
    field: &str,
    kind: &str,
    out: &mut Vec<Finding>,
) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, item) in items.enumerate() {
        if let Some(&j) = first.get(item) {
            out.push(
                Finding::at(Rule::Lp011, &list.index(i).key(field), format!("{kind} `{item}` is defined twice"))
                    .hint("give each one its own name")
                    .related(Anchor::Value(list.index(j).key(field)), "first defined here"),
            );
        } else {
            first.insert(item, i);
        }
    }
}

/// Two account names with one account ID are one account defined twice.
fn account_ids(topo: &Topology, out: &mut Vec<Finding>) {
    let mut by_id: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, a) in &topo.accounts {
        let p = Pointer::root().key("accounts").key(name).key("id");
        match by_id.get(a.id.as_str()) {
            Some(first) => out.push(
                Finding::at(
                    Rule::Lp011,
                    &p,
                    format!("account ID {} is defined twice, as `{first}` and `{name}`", a.id),
                )
                .hint("use one account name for one account")
                .related(Anchor::Value(Pointer::root().key("accounts").key(first).key("id")), "first defined here"),
            ),
            None => {
                by_id.insert(&a.id, name);
            }
        }
    }
}

/// Names become parts of stack names and resource names: letters, digits
/// and dashes, starting with a letter, at most 64 characters.
fn names(topo: &Topology, out: &mut Vec<Finding>) {
    let ok = |s: &str| {
        s.len() <= 64
            && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let root = Pointer::root();
    let mut bad = |path: Pointer, kind: &str, name: &str| {
        out.push(
            Finding::at_key(Rule::Lp014, &path, format!("{kind} name `{name}` is not a valid name"))
                .hint("use letters, digits and dashes, starting with a letter, at most 64 characters"),
        );
    };
    if !ok(&topo.name) {
        bad(root.key("name"), "topology", &topo.name);
    }
    for name in topo.accounts.keys().filter(|n| !ok(n)) {
        bad(root.key("accounts").key(name), "account", name);
    }
    for name in topo.vpcs.keys().filter(|n| !ok(n)) {
        bad(root.key("vpcs").key(name), "VPC", name);
    }
    for (name, vpc) in &topo.vpcs {
        if let Some(tiers) = &vpc.subnets {
            for tier in tiers.keys().filter(|n| !ok(n)) {
                bad(root.key("vpcs").key(name).key("subnets").key(tier), "subnet tier", tier);
            }
        }
    }
}
