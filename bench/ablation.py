"""Which passes of custscan's cascade earn their place.

usage: ablation.py [--symbologies L] DATASET_DIR [DATASET_DIR ...]

Runs custscan-decode with each pass of the cascade alone (--exhaustive
--passes NAME) over every selected image of each dataset, scores each image by
the corpus rule (bench/score.py), and prints per pass: the images it reads
correctly alone, the images no other pass reads (its unique contribution),
misreads, and its median time per image. A pass with no unique reads and no
speed advantage is a candidate for removal. Environment: CUSTSCAN_DECODE
(default build/tools/custscan-decode).
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import manifest  # noqa: E402
import score  # noqa: E402

DECODE = os.environ.get("CUSTSCAN_DECODE", "build/tools/custscan-decode")


def pass_names():
    out = subprocess.run([DECODE, "--exhaustive", "/dev/null"],
                         env=dict(os.environ, CUSTSCAN_DEBUG_PASSES="1"),
                         capture_output=True, text=True).stdout
    # "/dev/null" fails to load, so list the passes from a tiny PGM instead
    if "pass " not in out:
        tmp = "/tmp/custscan-ablation.pgm"
        with open(tmp, "wb") as f:
            f.write(b"P5\n64 64\n255\n" + bytes(64 * 64))
        out = subprocess.run([DECODE, "--exhaustive", tmp],
                             env=dict(os.environ, CUSTSCAN_DEBUG_PASSES="1"),
                             capture_output=True, text=True).stdout
    return [l.split()[1] for l in out.splitlines() if l.strip().startswith("pass ")]


def run(paths, extra):
    lines = {}
    for i in range(0, len(paths), 64):
        batch = paths[i:i + 64]
        out = subprocess.run([DECODE, "--json", "--exhaustive"] + extra + batch,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            obj = json.loads(line)
            lines[obj["file"]] = obj
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    manifest.add_selection_args(ap)
    ap.add_argument("datasets", nargs="+")
    args = ap.parse_args()

    images = []  # (dataset, row, path)
    for d in args.datasets:
        rows = manifest.select(manifest.read_manifest(os.path.join(d, "MANIFEST.tsv")),
                               args.symbologies, args.half)
        images += [(d, r, os.path.join(d, r["relpath"])) for r in rows]
    paths = [p for _, _, p in images]
    passes = pass_names()
    reads = {}
    stats = {}
    for name in passes + ["ALL"]:
        extra = [] if name == "ALL" else ["--passes", name]
        lines = run(paths, extra)
        ok, mis, ms = set(), 0, []
        for d, row, path in images:
            line = lines.get(path)
            outcome, _ = score.score_row(row, line)
            if outcome in ("correct", "known") and row["symbology"] != "NONE":
                ok.add(path)
            mis += outcome == "misread"
            if line and "ms" in line:
                ms.append(line["ms"])
        ms.sort()
        reads[name] = ok
        stats[name] = (len(ok), mis, ms[len(ms) // 2] if ms else 0.0)
    print(f"{len(images)} images from {', '.join(args.datasets)}; "
          "a pass alone, without a time budget\n")
    print("| pass | reads alone | unique reads | misreads | median ms |")
    print("|---|---|---|---|---|")
    for name in passes:
        others = set().union(*(reads[o] for o in passes if o != name))
        n, mis, med = stats[name]
        print(f"| {name} | {n} | {len(reads[name] - others)} | {mis} | {med:.1f} |")
    n, mis, med = stats["ALL"]
    print(f"| all passes (union) | {n} | - | {mis} | {med:.1f} |")


if __name__ == "__main__":
    main()
