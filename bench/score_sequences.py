"""Scores custscan-decode --sequence runs made by bench/run-sequences.sh.

usage: score_sequences.py RESULTS_DIR N

For each k-of-n setting: how many simulated presentations emitted their id
exactly once, never, or more than once; ids emitted that are not the card's;
and the latency from the first fully visible frame to the emission, in frames.
"""
import json
import os
import statistics
import sys


def summary(values):
    """'median / p95' of a list of frame counts, or '-'."""
    if not values:
        return "-"
    v = sorted(values)
    return f"{statistics.median(v):g} / {v[min(len(v) - 1, int(0.95 * len(v)))]}"


def main():
    root, n = sys.argv[1], int(sys.argv[2])
    print("| confirm k/n | sequences | exactly once | never | more than once | wrong ids "
          "| latency from fully visible: median / p95 (frames) "
          "| latency from first readable: median / p95 |")
    print("|---|---|---|---|---|---|---|---|")
    for confirm in ("1/1", "2/3", "2/4", "3/5"):
        once = never = more = wrong = 0
        latencies = []
        from_readable = []
        for i in range(n):
            d = os.path.join(root, f"seq-{i}")
            truth = [l.rstrip("\n").split("\t") for l in open(os.path.join(d, "TRUTH.tsv"))][1:]
            expected = truth[0][2][len("CUST#"):]
            first_visible = min(int(t[0]) for t in truth if t[1] == "1")
            readable = [k for k, line in enumerate(open(os.path.join(d, "decode-exhaustive.jsonl")))
                        if expected in json.loads(line)["ids"]]
            emitted = []
            path = os.path.join(d, "decode-%s.jsonl" % confirm.replace("/", "of"))
            for frame, line in enumerate(open(path)):
                for e in json.loads(line)["emitted"]:
                    emitted.append((frame, e))
            good = [f for f, e in emitted if e == expected]
            wrong += sum(1 for _, e in emitted if e != expected)
            if len(good) == 1:
                once += 1
                latencies.append(good[0] - first_visible)
                if readable:
                    from_readable.append(good[0] - readable[0])
            elif not good:
                never += 1
            else:
                more += 1
        print(f"| {confirm} | {n} | {once} | {never} | {more} | {wrong} "
              f"| {summary(latencies)} | {summary(from_readable)} |")


if __name__ == "__main__":
    main()
