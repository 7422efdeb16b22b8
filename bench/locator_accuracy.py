"""Locator accuracy against BoofCV's labelled corners.

usage: locator_accuracy.py CORPUS_DIR [--half A|B|all] [--max-side LIST]

Runs custscan-bench-locate (env CUSTSCAN_BENCH_LOCATE, default
build/bench/custscan-bench-locate) at the longest sides of LIST (default
1280,400: the decoder's two located passes; 0: full resolution only; codes
found at several sides count once) on every image of CORPUS_DIR/boofcv that
boofcv/TRUTH.json labels, and reports per category: labelled codes, the share
found (a located code whose centre lies inside the labelled quad), the mean
and median corner error of those in module widths (corners matched over the
four rotations and both windings; module width from the located code's size),
false codes (located, matching no label) and the locator's median time.
Corner labels are in full-resolution pixels; the MANIFEST's transform column
gives the resize.
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import manifest  # noqa: E402

LOCATE = os.environ.get("CUSTSCAN_BENCH_LOCATE", "build/bench/custscan-bench-locate")


def scale_of(transform):
    m = re.search(r"resized (\d+)x(\d+) -> (\d+)x(\d+)", transform)
    return int(m.group(3)) / int(m.group(1)) if m else 1.0


def inside(pt, quad):
    """Point in a convex quadrilateral given as 4 (x, y), either winding."""
    sign = 0
    for i in range(4):
        (x0, y0), (x1, y1) = quad[i], quad[(i + 1) % 4]
        c = (x1 - x0) * (pt[1] - y0) - (y1 - y0) * (pt[0] - x0)
        if c != 0:
            if sign == 0:
                sign = 1 if c > 0 else -1
            elif (c > 0) != (sign > 0):
                return False
    return True


def corner_error(found, truth):
    """Smallest mean corner distance over rotations and windings."""
    best = math.inf
    for order in (truth, truth[::-1]):
        for r in range(4):
            rot = order[r:] + order[:r]
            d = sum(math.dist(a, b) for a, b in zip(found, rot)) / 4
            best = min(best, d)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--half", default="all")
    ap.add_argument("--max-side", default="1280,400")
    args = ap.parse_args()
    truth = json.load(open(os.path.join(args.corpus, "boofcv", "TRUTH.json")))
    rows = {r["relpath"]: r for r in manifest.read_manifest(os.path.join(args.corpus, "MANIFEST.tsv"))}
    files = [f for f in truth if f in rows and (args.half == "all" or rows[f]["half"] == args.half)]
    out = subprocess.run([LOCATE, "--max-side", args.max_side] +
                         [os.path.join(args.corpus, f) for f in files],
                         capture_output=True, text=True).stdout
    located = {}
    for line in out.splitlines():
        o = json.loads(line)
        located[os.path.relpath(o["file"], args.corpus)] = o
    stats = {}
    for f in files:
        cat = rows[f]["category"]
        s = stats.setdefault(cat, {"labels": 0, "found": 0, "errors": [], "false": 0, "ms": []})
        scale = scale_of(rows[f]["transform"])
        res = located.get(f, {})
        codes = res.get("codes", [])
        s["ms"].append(res.get("ms", 0))
        used = set()
        for label in truth[f]:
            q = label["quad"]
            quad = [(q[2 * k] * scale, q[2 * k + 1] * scale) for k in range(4)]
            s["labels"] += 1
            for i, c in enumerate(codes):
                pts = [(c["corners"][2 * k], c["corners"][2 * k + 1]) for k in range(4)]
                centre = (sum(p[0] for p in pts) / 4, sum(p[1] for p in pts) / 4)
                if i not in used and inside(centre, quad):
                    used.add(i)
                    s["found"] += 1
                    side = sum(math.dist(pts[k], pts[(k + 1) % 4]) for k in range(4)) / 4
                    s["errors"].append(corner_error(pts, quad) / (side / c["size"]))
                    break
        s["false"] += len(codes) - len(used)
    print("| category | labelled codes | found | corner error, mean / median (modules) "
          "| false codes | locator median ms |")
    print("|---|---|---|---|---|---|")
    tot = {"labels": 0, "found": 0, "errors": [], "false": 0, "ms": []}
    for cat in sorted(stats):
        s = stats[cat]
        for k in tot:
            tot[k] += s[k]
        print(row(cat, s))
    print(row("**total**", tot))


def row(name, s):
    err = (f"{statistics.mean(s['errors']):.2f} / {statistics.median(s['errors']):.2f}"
           if s["errors"] else "-")
    share = f"{s['found']} ({100 * s['found'] / s['labels']:.0f} %)" if s["labels"] else "0"
    return (f"| {name} | {s['labels']} | {share} | {err} | {s['false']} "
            f"| {statistics.median(s['ms']):.1f} |")


if __name__ == "__main__":
    main()
