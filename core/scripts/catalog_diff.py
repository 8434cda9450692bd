#!/usr/bin/env python3
"""Counts what changed between two versions of core/src/catalog_data.rs:
entries, services added and removed, names changed, region sets restricted.

    git show <rev>:core/src/catalog_data.rs > /tmp/old.rs
    python3 core/scripts/catalog_diff.py /tmp/old.rs core/src/catalog_data.rs [--list]
"""
import re
import sys


def parse(path):
    text = open(path, encoding="utf-8").read()
    consts = dict(re.findall(r"const (R\d+): &\[&str\] = &\[([^\]]*)\];", text))
    out = {}
    for body in text.split("Service {")[1:]:
        short = re.search(r'short: "([^"]+)"', body).group(1)
        zones = tuple(sorted(re.findall(r'Zone \{\s*name: "([^"]+)",\s*apex: (\w+),\s*wildcard: (\w+)', body)))
        kind = re.search(r"kind: (\w+)", body).group(1)
        m = re.search(r"regions: (None|Some\((&\[[^\]]*\]|R\d+)\))", body, re.S)
        regions = None
        if m.group(2):
            ref = m.group(2).strip()
            raw = consts.get(ref, ref.lstrip("&["))
            regions = tuple(sorted(re.findall(r'"([^"]+)"', raw)))
        out[short] = (kind, zones, regions)
    return out


def main(old_path, new_path, show):
    old, new = parse(old_path), parse(new_path)
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    both = sorted(set(old) & set(new))
    renamed = [s for s in both if old[s][1] != new[s][1]]
    rekind = [s for s in both if old[s][0] != new[s][0]]
    restricted = [s for s in both if old[s][2] is None and new[s][2] is not None]
    print("entries: %d -> %d" % (len(old), len(new)))
    for label, items in [("added", added), ("removed (retired)", removed), ("names changed", renamed),
                         ("kind changed", rekind), ("regions restricted (were every region)", restricted)]:
        print("%s: %d" % (label, len(items)))
        if show:
            print("  " + ", ".join(items))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--list" in sys.argv)
