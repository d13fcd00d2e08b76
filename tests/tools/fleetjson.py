#!/usr/bin/env python3
"""fleetjson.py - a fleet report's JSON (offtrace fleet report --format json)
or a run report's JSON (offtrace report --format json) as sorted lines of
facts, so that tests compare them with tests/tools/fleetref.sh or with each
other (issue 14).  It only reformats; it computes nothing.

  fleetjson.py fleet FILE          every group, the lines of fleetref.sh
  fleetjson.py fleet-full FILE     every group: summary, leaks, rules and
                                   latency, every adapter (for one-run groups)
  fleetjson.py run NAME FILE...    a run report as a group NAME, as fleet-full
                                   (NAME FILE pairs, one per run)
"""
import json
import re
import sys

SIMPLE = re.compile(r'^[A-Za-z0-9_.-]*$')
REASONS = ["live_at_end", "halt", "upload_all", "wire_close"]
DIST = ["count", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns"]


def dist(d):
    return " ".join(str(d[k]) for k in DIST)


def summary(g, s, out):
    for k in ["objects", "offloaded", "failed", "terminated", "lost",
              "live_at_end", "leaked"]:
        out.append("%s summary %s %d" % (g, k, s[k]))
    out.append("%s summary error %d" % (g, s["violations"]["error"]))
    out.append("%s summary warning %d" % (g, s["violations"]["warning"]))


def latency(g, lat, by, simple, out):
    for kind, d in lat.items():
        if d["count"]:
            out.append("%s latency %s %s" % (g, kind, dist(d)))
    for e in by:
        if simple and not SIMPLE.match(e["adapter"]):
            continue
        a = e["adapter"] or "-"
        if not simple:
            a = json.dumps(e["adapter"])
        out.append("%s latency_by %s %s %s %s" % (g, a, e["layer"], e["kind"], dist(e)))


def fleet(doc, full):
    out = []
    for grp in doc["groups"]:
        g = grp["value"]
        out.append("%s runs %d" % (g, grp["runs"]))
        summary(g, grp["summary"], out)
        if not full:
            out.append("%s leak_rate %.6f" % (g, grp["leak_rate"]))
        for r in REASONS:
            lr = grp["leaks_by_reason"][r]
            if full:
                out.append("%s leaks %s %d" % (g, r, lr["count"]))
            else:
                out.append("%s leaks %s %d %.6f" % (g, r, lr["count"], lr["rate"]))
        for u in grp["rules"]:
            if full:
                out.append("%s rule %s %d %d" % (g, u["id"], u["violations"],
                                                 u["runs_checked"]))
            else:
                out.append("%s rule %s %d %d %d" % (g, u["id"], u["violations"],
                                                    u["runs_checked"],
                                                    u["runs_not_checked"]))
        latency(g, grp["latency"], grp["latency_by_adapter"], not full, out)
    return out


def run(name, doc):
    out = ["%s runs 1" % name]
    summary(name, doc["summary"], out)
    for r in REASONS:
        out.append("%s leaks %s %d" % (name, r,
                                       sum(1 for l in doc["leaks"] if l["reason"] == r)))
    for u in doc["rules"]:
        checked = u["status"] == "checked"
        out.append("%s rule %s %d %d" % (name, u["id"], u["count"] if checked else 0,
                                         1 if checked else 0))
    latency(name, doc["latency"], doc["latency_by_adapter"], False, out)
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] in ("fleet", "fleet-full"):
        with open(sys.argv[2]) as f:
            lines = fleet(json.load(f), sys.argv[1] == "fleet-full")
    elif len(sys.argv) >= 4 and len(sys.argv) % 2 == 0 and sys.argv[1] == "run":
        lines = []
        for i in range(2, len(sys.argv), 2):
            with open(sys.argv[i + 1]) as f:
                lines += run(sys.argv[i], json.load(f))
    else:
        sys.exit(__doc__)
    for l in sorted(lines):
        print(l)


main()
