#!/usr/bin/python3
"""Reads a corpus MANIFEST.tsv and selects the images a benchmark runs on.

Shared by peers.py and score.py. Run alone, it prints the selected relpaths,
one a line, which is how run-decode.sh gets its file list:

    bench/manifest.py MANIFEST.tsv [--symbologies QR,CODE128,NONE] [--half A|B|all]

The format is described in the corpus README: tab-separated with a header,
expected texts joined by " || " with backslash, tab, CR and newline escaped.
"""
import argparse
import csv
import hashlib
import re
import sys

DEFAULT_SYMBOLOGIES = "QR,CODE128,NONE"  # the images a customer card can be
UNKNOWN = "<UNKNOWN>"

_ESCAPES = {"\\": "\\", "t": "\t", "r": "\r", "n": "\n"}


def unescape(text):
    """Undoes the MANIFEST escapes; an unknown escape is kept as it is."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def expected_texts(field, symbology):
    """The expected texts of a row: [] for NONE, UNKNOWN marks an unread code."""
    if symbology == "NONE":
        return []
    return [unescape(t) for t in field.split(" || ")]


def half_of(scene_group):
    """'A' or 'B', a fixed function of the scene group (a group stays together)."""
    return "AB"[hashlib.sha256(scene_group.encode()).digest()[0] & 1]


def read_manifest(path):
    """The rows of a MANIFEST.tsv as dicts, plus 'expected' (a list) and 'half'."""
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            row["expected"] = expected_texts(row["expected_text"], row["symbology"])
            row["half"] = half_of(row["scene_group"])
            rows.append(row)
    return rows


def select(rows, symbologies=DEFAULT_SYMBOLOGIES, half="all"):
    """The rows of the given symbologies (comma-separated, or 'all') and half."""
    wanted = None if symbologies == "all" else set(symbologies.upper().split(","))
    return [r for r in rows
            if (wanted is None or r["symbology"] in wanted)
            and (half == "all" or r["half"] == half)]


def add_selection_args(parser):
    """The filter options every bench script takes."""
    parser.add_argument("--symbologies", default=DEFAULT_SYMBOLOGIES,
                        help="comma-separated MANIFEST symbologies, or 'all' "
                             "(default: %(default)s)")
    parser.add_argument("--half", choices=["A", "B", "all"], default="all",
                        help="only scene groups of one half (default: all)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    add_selection_args(parser)
    args = parser.parse_args()
    for row in select(read_manifest(args.manifest), args.symbologies, args.half):
        sys.stdout.write(row["relpath"] + "\n")


if __name__ == "__main__":
    main()
