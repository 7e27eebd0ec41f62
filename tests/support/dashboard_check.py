#!/usr/bin/env python3
"""Checks a page written by `leadctl dashboard` against the JSON reports.

usage: dashboard_check.py PAGE LEADCTL DB NOW

Every number cell of the page carries data-v="REPORT|KEY[|MEASURE]" and
data-n (the exact value); each is compared with what `leadctl report ...
--json` (and `lead list --json` for the leads and the recycle bin) says. The
page must also be self-contained (no script, nothing fetched from elsewhere),
well nested, and every in-page link must have its target. Exits 1 naming
each mismatch."""
import datetime
import json
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser

VOID = {"meta", "link", "br", "img", "input", "hr", "rect", "line", "path", "circle"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells, self.ids, self.hrefs, self.problems = {}, set(), [], []
        self.stack, self.text_of = [], None
        self.tags = Counter()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] += 1
        if "id" in a:
            if a["id"] in self.ids:
                self.problems.append(f"id {a['id']} appears twice")
            self.ids.add(a["id"])
        for k in ("src", "href", "xlink:href"):
            v = a.get(k)
            if v and k == "href" and v.startswith("#"):
                self.hrefs.append(v[1:])
            elif v:
                self.problems.append(f"<{tag} {k}={v}> points outside the page")
        if "data-v" in a:
            if a["data-v"] in self.cells:
                self.problems.append(f"data-v {a['data-v']} appears twice")
            self.cells[a["data-v"]] = int(a["data-n"])
        if tag not in VOID and not self.get_starttag_text().endswith("/>"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def leadctl(*args):
    out = subprocess.run([LEADCTL, "--db", DB, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def rows(*args):
    return leadctl("report", *args, "--json")["rows"]


def expected(now):
    day = datetime.datetime.fromisoformat(now.replace("Z", "+00:00")).replace(
        hour=0, minute=0, second=0, microsecond=0, tzinfo=datetime.timezone.utc)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
    want = {}
    try:
        for r in rows("matrix"):
            want[f"matrix|{r['milestone'] or ''}|{r['status'] or ''}"] = r["count"]
    except subprocess.CalledProcessError:
        pass  # a model without milestones and statuses has no matrix
    # the page draws stages, or milestones when the model has none
    pipe = rows("pipeline", "--by", "stage")
    if all(r["stage"] is None for r in pipe):
        pipe = [{"stage": r["milestone"], "count": r["count"]} for r in rows("pipeline", "--by", "milestone")]
    for r in pipe:
        want[f"pipeline|{r['stage'] or ''}"] = r["count"]
        if r.get("entries") is not None:  # a repeatable stage's entries (check-in 3)
            want[f"pipeline|{r['stage']}|entries"] = r["entries"]
    for r in rows("funnel"):
        key = r.get("stage", r.get("milestone"))
        want[f"funnel|{key}|count"] = r["count"]
        want[f"funnel|{key}|advanced"] = -1 if r["advanced"] is None else r["advanced"]
        for m in ("median_seconds", "p90_seconds"):
            want[f"funnel|{key}|{m}"] = -1 if r[m] is None else r[m]
    windows = {"due": (day, day + datetime.timedelta(days=1)),
               "overdue": (datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc), day)}
    for name, (a, b) in windows.items():
        per = Counter()
        for r in rows("followups", "--from", iso(a), "--to", iso(b)):
            per[r["owner"] or ""] += r["count"]
        want.update({f"{name}|{k}": v for k, v in per.items()})
    for r in rows("pipeline", "--by", "segment"):
        want[f"segment|{r['segment'] or ''}"] = r["count"]
    want["summary|leads"] = len(leadctl("lead", "list", "--json")["leads"])
    want["left_out|recycled"] = len(leadctl("lead", "list", "--recycled", "only", "--json")["leads"])
    return want


def main():
    global LEADCTL, DB
    page_path, LEADCTL, DB, now = sys.argv[1:5]
    text = open(page_path, encoding="utf-8").read()
    p = Page()
    p.feed(text)
    problems = list(p.problems)
    if p.stack:
        problems.append(f"unclosed elements: {p.stack}")
    for bad in ("script", "iframe", "object", "embed", "link"):
        if p.tags[bad]:
            problems.append(f"the page has <{bad}>: it must stand alone")
    if "url(" in text or "@import" in text:
        problems.append("the style sheet fetches something")
    problems += [f"link #{h} has no target" for h in p.hrefs if h not in p.ids]
    want = expected(now)
    for key, n in want.items():
        # rows of agents and columns of statuses that hold nothing may be left out
        if key.split("|")[0] in ("due", "overdue", "matrix") and n == 0 and key not in p.cells:
            continue
        if key not in p.cells:
            problems.append(f"{key}: {n} in the JSON, not on the page")
        elif p.cells[key] != n:
            problems.append(f"{key}: page {p.cells[key]}, JSON {n}")
    checked = [k for k in p.cells if k.split("|")[0] in ("matrix", "pipeline", "funnel", "segment")]
    for k in checked:
        if k not in want and p.cells[k] != 0:
            problems.append(f"{k}: page {p.cells[k]}, not in the JSON")
    for msg in problems:
        print("FAIL:", msg)
    print(f"{page_path}: {len(want)} numbers checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
