#!/usr/bin/env python3
"""fleethtml.py - the tables of a fleet report's HTML page (offtrace fleet
report --format html) as lines of facts, so that tests compare the page
with the JSON report (through tests/tools/fleetjson.py) and with
ClickHouse.  It reads the page as any HTML (Python's html.parser, which
decodes the references), knowing only the data-* attributes of its
tables, and computes nothing.

  fleethtml.py facts FILE    the lines 'fleetjson.py fleet' prints, from the
                             tables groups, leaks, rules, latency and
                             latency-by-adapter
  fleethtml.py trend FILE    the table behind the p99 chart, in its order:
                             GROUP<TAB>KIND<TAB>P99_NS per point
  fleethtml.py order FILE    the chart's groups, left to right, one a line
  fleethtml.py nights FILE   NIGHT RUNS OBJECTS LEAKED LIVE_AT_END HALT
                             UPLOAD_ALL WIRE_CLOSE per night, in order
"""
import re
import sys
from html.parser import HTMLParser

SIMPLE = re.compile(r'^[A-Za-z0-9_.-]*$')
REASONS = ["live_at_end", "halt", "upload_all", "wire_close"]


class Tables(HTMLParser):
    """Every table[data-table]: its rows, each (tr attrs, [cells]), a cell
    (attrs, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = {}
        self.table = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-table" in a:
            self.table = self.tables.setdefault(a["data-table"], [])
        elif tag == "tr" and self.table is not None:
            self.row = (a, [])
        elif tag in ("td", "th") and self.row is not None:
            self.cell = (a, [])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row[1].append((self.cell[0], "".join(self.cell[1]).strip()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if "data-row" in self.row[0]:
                self.table.append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1].append(data)


def load(path):
    p = Tables()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    return p.tables


def v(cell):
    return cell[0]["data-v"]


def dist(cells):
    return " ".join(str(int(v(c))) for c in cells)


def facts(t):
    out = []
    names = ["objects", "offloaded", "failed", "terminated", "lost", "live_at_end", "leaked"]
    for a, c in t.get("groups", []):
        g = a["data-group"]
        # group, runs, events, objects ... leaked, leak rate, errors, warnings
        out.append("%s runs %d" % (g, int(v(c[1]))))
        for i, k in enumerate(names):
            out.append("%s summary %s %d" % (g, k, int(v(c[3 + i]))))
        out.append("%s summary error %d" % (g, int(v(c[11]))))
        out.append("%s summary warning %d" % (g, int(v(c[12]))))
        out.append("%s leak_rate %.6f" % (g, float(v(c[10]))))
    for a, c in t.get("leaks", []):
        g = a["data-group"]
        for r in REASONS:
            n = [x for x in c if x[0].get("data-reason") == r][0]
            rt = [x for x in c if x[0].get("data-reason-rate") == r][0]
            out.append("%s leaks %s %d %.6f" % (g, r, int(v(n)), float(v(rt))))
    for a, c in t.get("rules", []):
        out.append("%s rule %s %d %d %d" % (a["data-group"], c[1][1], int(v(c[3])),
                                            int(v(c[4])), int(v(c[5]))))
    for a, c in t.get("latency", []):
        out.append("%s latency %s %s" % (a["data-group"], c[1][0]["data-kind"], dist(c[2:9])))
    for a, c in t.get("latency-by-adapter", []):
        ad = c[1][0]["data-adapter"]
        if not SIMPLE.match(ad):
            continue
        out.append("%s latency_by %s %s %s %s" % (a["data-group"], ad or "-", c[2][1],
                                                 c[3][1], dist(c[4:11])))
    return sorted(out)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("facts", "trend", "order", "nights"):
        sys.exit(__doc__)
    t = load(sys.argv[2])
    if sys.argv[1] == "facts":
        lines = facts(t)
    elif sys.argv[1] == "trend":
        lines = ["%s\t%s\t%s" % (a["data-group"], c[0]["data-kind"], v(c))
                 for a, cells in t.get("trend", []) for c in cells
                 if "data-kind" in c[0] and "data-v" in c[0]]
    elif sys.argv[1] == "order":
        lines = [a["data-group"] for a, c in t.get("trend", [])]
    else:
        lines = [" ".join([a["data-night"]] + [v(c) for c in cells[1:4]] +
                          [v([c for c in cells if c[0].get("data-reason") == r][0])
                           for r in REASONS])
                 for a, cells in t.get("nights", [])]
    for l in lines:
        print(l)


main()
