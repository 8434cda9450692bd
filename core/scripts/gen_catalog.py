#!/usr/bin/env python3
"""Generates core/src/catalog_data.rs, the endpoint service catalog.

Every fact comes from a source a reader can check (docs/catalog.md says
which fact from which):

- the set of PrivateLink services, the kind of each (interface or gateway)
  and its ports: aws-cdk-lib's InterfaceVpcEndpointAwsService and
  GatewayVpcEndpointAwsService (node_modules/aws-cdk-lib/aws-ec2/lib/
  vpc-endpoint.js, installed by `npm ci` from package-lock.json);
- each service's host name and the regions that offer it: botocore's data
  (installed into .venv from test/requirements.txt): the endpoint rule set
  of the service (endpoint-rule-set-1.json.gz, resolved for the region),
  the hostPrefix of its operations (service-2.json.gz) and the regions
  endpoints.json lists for it;
- the regions of the Bedrock services botocore does not list:
  service_regions.json (from the Bedrock user guide, service_regions.md);
- where the private DNS name differs from the public host, where botocore
  has no model for a service, its ports differ from CDK's, it is retired or
  it is missing from CDK: catalog_overrides.json beside this script, every
  entry naming the AWS documentation page it follows.

Rerun it after updating botocore (test/requirements.txt) or aws-cdk-lib
(package.json), from the repository root:

    .venv/bin/python core/scripts/gen_catalog.py > core/src/catalog_data.rs
    rustfmt --edition 2024 core/src/catalog_data.rs

The output is sorted and stable: the same inputs give the same file.
`core/tests/catalog_sources.rs` compares the result with the same sources.
"""
import gzip
import json
import os
import re
import sys

import botocore
from botocore.endpoint_provider import EndpointProvider

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
CDK = os.path.join(ROOT, "node_modules", "aws-cdk-lib", "aws-ec2", "lib", "vpc-endpoint.js")
OVERRIDES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog_overrides.json")
# a region every service of the table below resolves in, for the host pattern
PROBE = "us-east-1"


def cdk_services():
    """(kind, service name template, short name, ports) from aws-cdk-lib."""
    text = open(CDK, encoding="utf-8").read()
    found = set()
    for kind, args in re.findall(r"static [A-Z0-9_]+=new (Interface|Gateway)VpcEndpointAwsService\(([^)]*)\)", text):
        parts = [a.strip() for a in args.split(",")]
        name = parts[0].strip('"')
        prefix = parts[1].strip('"') if len(parts) > 1 else ""
        port = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 443
        is_global = "global:!0" in args
        prefix = prefix or "com.amazonaws"
        template = "%s.%s" % (prefix, name) if is_global else "%s.{r}.%s" % (prefix, name)
        found.add((kind, template, name, port))
    return sorted(found)


def short_name(kind, template, name, interface_twin):
    """The name `services:` takes. A service offered both ways (S3,
    DynamoDB) keeps its bare name for the gateway form, the one a VPC gets
    for free; the interface form is `<name>-interface`."""
    if template.startswith("aws.sagemaker."):
        short = "sagemaker." + name
    elif template.startswith("com.amazonaws.{r}.") or template.startswith("aws.api.{r}."):
        short = name
    else:  # region-less: com.amazonaws.s3-global.accesspoint, aws.api.global.codecatalyst
        short = name
    if kind == "Interface" and interface_twin:
        short += "-interface"
    return short


class Botocore:
    def __init__(self):
        ep = json.load(open(os.path.join(DATA, "endpoints.json")))
        self.partition = next(p for p in ep["partitions"] if p["partition"] == "aws")
        self.regions = sorted(self.partition["regions"])
        self.partitions = json.load(open(os.path.join(DATA, "partitions.json")))
        self.models = {}  # endpointPrefix -> (directory, service-2 model)
        for d in sorted(os.listdir(DATA)):
            path = os.path.join(DATA, d)
            if not os.path.isdir(path):
                continue
            versions = sorted(v for v in os.listdir(path) if os.path.isdir(os.path.join(path, v)))
            if not versions:
                continue
            model = json.load(gzip.open(os.path.join(path, versions[-1], "service-2.json.gz")))
            self.models.setdefault(model["metadata"]["endpointPrefix"], (d, os.path.join(path, versions[-1]), model))
        self.labels = {}  # the first labels of a host ("api.iotsitewise") -> (endpointPrefix, hostPrefix)
        for prefix, (_, _, model) in sorted(self.models.items()):
            self.labels.setdefault(prefix, (prefix, ""))
            for op in model["operations"].values():
                hp = op.get("endpoint", {}).get("hostPrefix")
                if hp and "{" not in hp:
                    self.labels.setdefault(hp + prefix, (prefix, hp))

    def find(self, name):
        """The botocore endpoint prefix and host prefix of a CDK service
        name: the same labels, or the same labels in another order
        (`ecr.api` is botocore's `api.ecr`)."""
        key = lambda s: tuple(sorted(re.split(r"[.\-]", s)))
        if name in self.labels:
            return self.labels[name]
        if name in self.partition["services"]:
            return (name, "")
        for label, hit in sorted(self.labels.items()):
            if key(label) == key(name):
                return hit
        return None

    def host(self, prefix, host_prefix, fips, params=None):
        """The host the SDK calls in PROBE (its region replaced by {r}):
        the service's rule set resolved for that region, or where botocore
        has no model under that prefix, endpoints.json's host pattern."""
        model = self.models.get(prefix)
        if model is None:
            return self.legacy_host(prefix, host_prefix, fips)
        rules_path = os.path.join(model[1], "endpoint-rule-set-1.json.gz")
        offered = self.regions_of(prefix, False) or []
        region = PROBE if PROBE in offered or not offered else offered[0]
        try:
            provider = EndpointProvider(json.load(gzip.open(rules_path)), self.partitions)
            url = provider.resolve_endpoint(Region=region, UseFIPS=fips, UseDualStack=False, **(params or {})).url
        except Exception as e:  # a rule set that needs more than a region
            print("botocore: %s: %s; endpoints.json's pattern instead" % (prefix, e), file=sys.stderr)
            return self.legacy_host(prefix, host_prefix, fips)
        host = re.sub(r"^https?://", "", url).split("/")[0]
        return (host_prefix + host).replace(region, "{r}")

    def legacy_host(self, prefix, host_prefix, fips):
        svc = self.partition["services"].get(prefix)
        if svc is None:
            return None
        offered = self.regions_of(prefix, fips) or [PROBE]
        region = PROBE if PROBE in offered else offered[0]
        entry = svc.get("endpoints", {}).get(region, {})
        pattern = svc.get("defaults", {}).get("hostname", self.partition["defaults"]["hostname"])
        if fips:
            pattern = next((v["hostname"] for v in entry.get("variants", []) if v.get("tags") == ["fips"]), "{service}-fips.{region}.{dnsSuffix}")
        else:
            pattern = entry.get("hostname", pattern)
        host = pattern.replace("{service}", prefix).replace("{region}", region).replace("{dnsSuffix}", self.partition["dnsSuffix"])
        return (host_prefix + host).replace(region, "{r}")

    def regions_of(self, prefix, fips):
        """The commercial regions endpoints.json lists for a service (for a
        FIPS variant, those with a FIPS host); a global service, with only
        its partition endpoint, is offered in the region it signs for."""
        svc = self.partition["services"].get(prefix)
        if svc is None:
            return None
        eps = svc.get("endpoints", {})
        regions = [r for r in self.regions if r in eps and not eps[r].get("deprecated")]
        if fips:
            tagged = [r for r in regions if any("fips" in v.get("tags", []) and "dualstack" not in v.get("tags", []) for v in eps[r].get("variants", []))]
            tagged += [r for r in self.regions if "fips-" + r in eps or r + "-fips" in eps]
            regions = sorted(set(tagged)) or [r for r in regions if r.startswith(("us-", "ca-"))]
        if not regions and svc.get("partitionEndpoint") in eps:
            scope = eps[svc["partitionEndpoint"]].get("credentialScope", {}).get("region")
            regions = [scope] if scope else []
        return regions or None


def main():
    over = json.load(open(OVERRIDES))
    boto = Botocore()
    # regions botocore does not list, read from AWS's pages (service_regions.md)
    doc_regions = json.load(open(os.path.join(os.path.dirname(OVERRIDES), "service_regions.json")))
    doc_regions.pop("_source", None)
    cdk = cdk_services() + [tuple(x) for x in over["extra_services"]["entries"]]
    interface_twins = {name for kind, _, name, _ in cdk if kind == "Gateway"}
    entries = {}
    problems = []
    for kind, template, name, port in cdk:
        short = short_name(kind, template, name, name in interface_twins)
        if short in over["retired"]["entries"]:
            continue
        fips = short.endswith("-fips")
        base = short[: -len("-fips")] if fips else short
        base = base[: -len("-interface")] if base.endswith("-interface") else base
        cdk_base = name[: -len("-fips")] if name.endswith("-fips") else name
        mapped = over["botocore"]["entries"].get(base)
        hit = (mapped["service"], mapped.get("hostPrefix", "")) if mapped else boto.find(cdk_base)
        names = over["names"]["entries"].get(short)
        if names is None and fips:
            fips_names = over["names"]["entries"].get(base)
        else:
            fips_names = None
        zones, regions = None, None
        if hit:
            regions = boto.regions_of(hit[0], fips)
            host = boto.host(hit[0], hit[1], fips, (mapped or {}).get("params"))
            if host:
                zones = [(host, True, False, None)]
                if short in over["unverified"]["entries"] and names is None:
                    problems.append("%s: botocore gives its host %s; drop it from `unverified`" % (short, host))
        if names is not None:
            zones = [(z["name"], z["apex"], z["wildcard"], z.get("onlyIn")) for z in names["zones"]]
            if "regionsOf" in names:
                regions = boto.regions_of(names["regionsOf"], fips) if names["regionsOf"] else None
        elif fips_names is not None and fips_names.get("fips") is not None:
            zones = [(z["name"], z["apex"], z["wildcard"], z.get("onlyIn")) for z in fips_names["fips"]]
        if regions is None and short in doc_regions:
            regions = doc_regions[short]
        if kind == "Gateway":
            zones = []  # route-table entries: no names to serve
        if zones is None:
            if short not in over["unverified"]["entries"]:
                problems.append("%s (%s): no botocore host and no override" % (short, template))
            zones = [("%s.{r}.amazonaws.com" % name, True, False, None)]
        ports = over["ports"]["entries"].get(short, {}).get("ports", [port])
        entries[short] = {
            "template": template,
            "kind": kind,
            "zones": sorted(set(zones), key=lambda z: (z[0], z[3] or "")),
            "ports": sorted(ports),
            "regions": regions,
        }
    for short, e in entries.items():
        twin = short + "-fips" if not short.endswith("-interface") else short[: -len("-interface")] + "-fips"
        e["fips"] = twin if twin in entries and twin != short and e["kind"] == "Interface" else None
    if problems:
        sys.exit("unresolved services; add each to catalog_overrides.json:\n  " + "\n  ".join(problems))
    print(render(entries, boto.regions))


def render(entries, all_regions):
    """Rust source: region sets used by several services are named once."""
    sets = {}
    for e in entries.values():
        rs = e["regions"]
        if rs is not None and sorted(rs) != all_regions:
            sets.setdefault(tuple(sorted(rs)), []).append(None)
    names = {rs: "R%d" % i for i, rs in enumerate(sorted(sets, key=lambda s: (-len(s), s)))}
    out = [
        "//! The endpoint service catalog. GENERATED by core/scripts/gen_catalog.py",
        "//! from aws-cdk-lib's endpoint service lists, botocore's endpoints and",
        "//! rule sets, and core/scripts/catalog_overrides.json; do not edit by hand.",
        "//! docs/catalog.md says where each fact comes from and how to rerun it.",
        "",
        "use super::{",
        "    EndpointKind::{Gateway, Interface},",
        "    Service, Zone,",
        "};",
        "",
    ]
    for rs, n in sorted(names.items(), key=lambda x: int(x[1][1:])):
        out.append("#[rustfmt::skip]")
        out.append("const %s: &[&str] = &[%s];" % (n, ", ".join('"%s"' % r for r in rs)))
    out.append("")
    out.append("#[rustfmt::skip]")
    out.append("pub const SERVICES: &[Service] = &[")
    for short in sorted(entries):
        e = entries[short]
        z = ", ".join(
            'Zone { name: "%s", apex: %s, wildcard: %s, only_in: %s }'
            % (n, str(a).lower(), str(w).lower(), 'Some("%s")' % o if o else "None")
            for n, a, w, o in e["zones"]
        )
        rs = e["regions"]
        if rs is None:
            regions, known = "None", "false"
        elif sorted(rs) == all_regions:
            regions, known = "None", "true"
        else:
            regions, known = "Some(%s)" % names[tuple(sorted(rs))], "true"
        fips = 'Some("%s")' % e["fips"] if e["fips"] else "None"
        out.append(
            '    Service { short: "%s", name: "%s", kind: %s, zones: &[%s], ports: &[%s], fips: %s, regions: %s, regions_known: %s },'
            % (short, e["template"], e["kind"], z, ", ".join(str(p) for p in e["ports"]), fips, regions, known)
        )
    out.append("];")
    return "\n".join(out)


if __name__ == "__main__":
    main()
