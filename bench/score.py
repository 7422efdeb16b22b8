#!/usr/bin/python3
"""Scores decode results against a MANIFEST and prints a markdown table.

Inputs are JSON lines in custscan-decode's shape ({"file", "symbols":
[{"type", "text"}], "ms"}, optionally "ids", "reader", "crash", "error", and
"frame_ms" when a file was decoded as several live frames: then each frame's
time counts, not the file's).
A results file is named on the command line as NAME=FILE.jsonl, or just
FILE.jsonl; a line's own "reader" field wins, else NAME, else the file's stem.

Per image, by the corpus README's rule:
  correct   every expected text read and nothing else
  misread   a text read that is not expected
  missed    the rest, including a partial read of a multi-code image, and
            crashes, errors and images without a result line
Decodes of another symbology than the row's are set aside, except on NONE
rows (nothing may be read there). Rows with <UNKNOWN> codes cannot be scored
so: they are left out of the main table and summarised apart (texts read
there that are not known count as unverified, not misread).

Readers that report "ids" (custscan-decode) are also checked for ids: on rows
whose expected texts are CUST#<id>, whether exactly those ids came out; any
other id anywhere is a false id, and must never happen.

Usage:
  bench/score.py MANIFEST.tsv [--dataset DIR] [--symbologies QR,CODE128,NONE]
                 [--half A|B|all] custscan=custscan.jsonl zbar-plain=zbar.jsonl peers.jsonl
"""
import argparse
import json
import os
import re
import statistics
import sys
from collections import defaultdict

import manifest

CUST_PREFIX = "CUST#"


# ------------------------------------------------------------------- inputs

def canonical_symbology(name):
    """Reader type names (QR-Code, QRCode, CODE-128, Code128) -> MANIFEST's."""
    key = re.sub(r"[^A-Z0-9]", "", name.upper())
    return {"QRCODE": "QR", "DATAMATRIX": "DATAMATRIX"}.get(key, key)


def file_key(path, dataset_dir):
    """A result's "file" as a MANIFEST relpath."""
    if dataset_dir and os.path.isabs(path):
        path = os.path.relpath(path, dataset_dir)
    return os.path.normpath(path)


def load_results(specs, dataset_dir):
    """{reader: {relpath: line}} and the readers in order of appearance."""
    results = defaultdict(dict)
    order = []
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep:
            name, path = None, spec
        default = name or os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"score: {path}:{n}: {e}")
                reader = obj.get("reader") or default
                if reader not in results:
                    order.append(reader)
                results[reader][file_key(obj["file"], dataset_dir)] = obj
    return results, order


# ------------------------------------------------------------------ scoring

def score_row(row, line):
    """One image for one reader: (outcome, unverified texts)."""
    if line is None or line.get("crash") or line.get("error"):
        return "missed", []
    symbology = row["symbology"]
    texts = {s["text"] for s in line.get("symbols", [])
             if symbology in ("NONE", "MIXED")
             or canonical_symbology(s["type"]) == symbology}
    known = {t for t in row["expected"] if t != manifest.UNKNOWN}
    extra = sorted(texts - known)
    if manifest.UNKNOWN in row["expected"]:
        return ("known" if known <= texts else "missed"), extra
    if extra:
        return "misread", extra
    return ("correct" if known <= texts else "missed"), []


def check_ids(row, line):
    """(expected ids or None, false ids, whether ids == expected) for a line with "ids"."""
    expected = {t[len(CUST_PREFIX):] for t in row["expected"] if t.startswith(CUST_PREFIX)}
    ids = set(line.get("ids", [])) if line else set()
    return (expected or None), sorted(ids - expected), ids == expected


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    values = sorted(values)
    return values[max(0, -(-len(values) * p // 100) - 1)]


class Tally:
    """Outcome counts and times of one reader over a set of images."""

    def __init__(self):
        self.counts = defaultdict(int)
        self.ms = []

    def add(self, outcome, line):
        self.counts[outcome] += 1
        if line is None:
            return
        if line.get("frame_ms"):  # a file decoded as several live frames (--hold)
            self.ms.extend(line["frame_ms"])
        elif line.get("ms") is not None:
            self.ms.append(line["ms"])

    def cells(self):
        c = self.counts
        median = f"{statistics.median(self.ms):.1f}" if self.ms else "-"
        p95 = f"{percentile(self.ms, 95):.1f}" if self.ms else "-"
        return [f"{c['correct']} / {c['misread']} / {c['missed']}", median, p95]


# ------------------------------------------------------------------- report

def table(groups, readers):
    """Markdown table: a row per group, correct/misread/missed and times per reader."""
    head = ["images", "n"]
    for r in readers:
        head += [f"{r} c / m / x", "median ms", "p95 ms"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, n, tallies in groups:
        best = max(tallies[r].counts["correct"] for r in readers)
        cells = [name, str(n)]
        for r in readers:
            cell = tallies[r].cells()
            if best > 0 and tallies[r].counts["correct"] == best:
                cell[0] = "**" + cell[0].replace(" / ", "** / ", 1)
            cells += cell
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    parser.add_argument("results", nargs="+", help="[NAME=]FILE.jsonl")
    parser.add_argument("--dataset", help="directory the result paths are relative to "
                        "(default: the MANIFEST's)")
    manifest.add_selection_args(parser)
    args = parser.parse_args()

    dataset_dir = os.path.abspath(args.dataset or os.path.dirname(os.path.abspath(args.manifest)))
    rows = manifest.select(manifest.read_manifest(args.manifest), args.symbologies, args.half)
    results, readers = load_results(args.results, dataset_dir)
    id_readers = {r for r in readers if any("ids" in line for line in results[r].values())}

    by_cat = defaultdict(lambda: defaultdict(Tally))
    total = defaultdict(Tally)
    unknown = defaultdict(Tally)
    unverified = defaultdict(int)
    problems = defaultdict(list)  # reader -> "file: what"
    ids = defaultdict(lambda: {"rows": 0, "matched": 0, "false": []})
    n_cat, n_known, n_unknown = defaultdict(int), 0, 0

    for row in rows:
        cat = os.path.dirname(row["relpath"]) or row["category"]
        has_unknown = manifest.UNKNOWN in row["expected"]
        if has_unknown:
            n_unknown += 1
        else:
            n_cat[cat] += 1
            n_known += 1
        for r in readers:
            line = results[r].get(row["relpath"])
            if line is None:
                problems[r].append(f"{row['relpath']}: no result")
            elif line.get("crash"):
                problems[r].append(f"{row['relpath']}: crash (status {line.get('status')})")
            elif line.get("error"):
                problems[r].append(f"{row['relpath']}: {line['error']}")
            outcome, extra = score_row(row, line)
            if has_unknown:
                unknown[r].add(outcome, line)
                unverified[r] += bool(extra)
            else:
                by_cat[cat][r].add(outcome, line)
                total[r].add(outcome, line)
            if r in id_readers:
                expected, false_ids, matched = check_ids(row, line)
                if expected:
                    ids[r]["rows"] += 1
                    ids[r]["matched"] += matched
                ids[r]["false"] += [f"{row['relpath']}: {i!r}" for i in false_ids]

    groups = [(cat, n_cat[cat], by_cat[cat]) for cat in sorted(by_cat)]
    groups.append((f"**total** ({args.symbologies}, half {args.half})", n_known, total))
    print(table(groups, readers))
    print()
    print("c / m / x = correct / misread / missed images; times are the decode "
          "call alone; the best read count of each row is in bold. "
          f"Rows with <UNKNOWN> codes are not in the table ({n_unknown} images).")

    if n_unknown:
        print()
        print(f"Rows with <UNKNOWN> codes ({n_unknown} images): every known text read / "
              "some text read that cannot be verified / median ms:")
        print()
        for r in readers:
            t = unknown[r]
            median = f"{statistics.median(t.ms):.1f}" if t.ms else "-"
            print(f"- {r}: {t.counts['known']} / {unverified[r]} / {median}")

    if id_readers:
        print()
        print("Customer ids (readers that report ids):")
        print()
        for r, v in ids.items():
            print(f"- {r}: CUST# rows with exactly the expected ids {v['matched']} of "
                  f"{v['rows']}; false ids {len(v['false'])}")
            for f in v["false"]:
                print(f"  - false id: {f}")

    if any(problems.values()):
        print()
        print("Crashes, errors and missing results (counted as missed):")
        print()
        for r in readers:
            for p in problems[r]:
                print(f"- {r}: {p}")


if __name__ == "__main__":
    main()
