#!/bin/sh
# Card rules benchmark (issue 10): what turning EAN-13 on for one rule costs.
#
# Usage: bench/run-cardrules.sh [RULES] [OUT.md]
#
# Renders simulated camera frames with custscan-phonesim (deterministic
# seeds): retail product codes (EAN-13 of several countries, ISBN, UPC-A
# seen as EAN-13, another shop's in-store 21/23 ranges), CUST# cards (QR and
# Code128), the rule's own EAN-13 member cards, and frames with no code;
# each in four scene categories (nominal, far, tilt, glare). Then decodes
# every frame with custscan-decode, one frame each as the daemon does live
# (its 25 ms budget), once with the default configuration (the built-in
# CUST# rule: QR and Code128 only) and once with RULES (default
# docs/rules/ean13-instore.rules: EAN-13 on for one rule), one run after the
# other. Reports time per frame (mean, p50, p95, max), what was read, and
# false accepts: any id taken from a product frame.
#
# $CUSTSCAN_DECODE_ARGS is added to both runs (e.g. "--budget-ms 0": every
# pass until one reads, as a file is decoded, instead of the live budget).
#
# Programs: $CUSTSCAN_DECODE (default build-rules/tools/custscan-decode) and
# $CUSTSCAN_PHONESIM (default build-rules/tools/phonesim/custscan-phonesim).
# Frames and JSON lines stay in bench/results/<time>-cardrules/; the table,
# with the command, the machine and the load average, goes to OUT.md (default
# cardrules.md there) and to stdout.
set -eu

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo_dir=$(dirname "$bench_dir")
rules=${1:-$repo_dir/docs/rules/ean13-instore.rules}
decode=${CUSTSCAN_DECODE:-$repo_dir/build-rules/tools/custscan-decode}
phonesim=${CUSTSCAN_PHONESIM:-$repo_dir/build-rules/tools/phonesim/custscan-phonesim}
results=$bench_dir/results/$(date +%Y%m%d-%H%M%S)-cardrules
out=${2:-$results/cardrules.md}
extra=${CUSTSCAN_DECODE_ARGS-}
command_line="$0 $*"
[ -z "$extra" ] || command_line="CUSTSCAN_DECODE_ARGS='$extra' $command_line"
mkdir -p "$results/frames"

# kind|symbology|text: zint adds the EAN check digit to 12 digits.
cat >"$results/codes.txt" <<'EOF'
product|ean13|400638133393
product|ean13|501234567890
product|ean13|761234567890
product|ean13|871234567890
product|ean13|978316148410
product|ean13|300123456789
product|ean13|003600029145
product|ean13|210012345678
product|ean13|230001234567
product|ean13|290000012345
member|ean13|240001234567
member|ean13|240009876543
card|qr|CUST#DEMO-0001
card|code128|CUST#1001
card|qr|CUST#A7K2M9QX
none|qr|NONE
EOF

n=0
for category in nominal far tilt glare; do
	while IFS='|' read -r kind sym text; do
		n=$((n + 1))
		cat=$category
		[ "$kind" = none ] && cat=negative
		name=$(printf '%03d-%s-%s-%s' "$n" "$kind" "$category" "$sym")
		"$phonesim" --out "$results/frames/$name.png" --category "$cat" \
			--symbology "$sym" --text "$text" --seed "$n" >/dev/null
		printf '%s\t%s\t%s\t%s\n' "$name.png" "$kind" "$category" "$text" \
			>>"$results/frames.tsv"
	done <"$results/codes.txt"
done

# One process per configuration over all frames (the decoder warms up once,
# as the daemon's does), the two alternating $REPEAT times (default 3) so
# that load from elsewhere falls on both alike; each frame's time is the
# median of its runs.
repeat=${REPEAT:-3}
for r in $(seq "$repeat"); do
	# shellcheck disable=SC2086 # $extra is a list of options
	"$decode" --json $extra "$results"/frames/*.png >"$results/default-$r.jsonl"
	# shellcheck disable=SC2086
	"$decode" --json $extra --rules "$rules" "$results"/frames/*.png >"$results/rules-$r.jsonl"
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
{
	echo "Command: \`$command_line\` (rules: \`${rules#"$repo_dir"/}\`), $(date -u '+%Y-%m-%d %H:%M UTC'),"
	echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
	echo "load average $load at the end, $repeat alternating runs, git $(git -C "$repo_dir" rev-parse --short HEAD)."
	echo
	/usr/bin/python3 - "$results" <<'EOF'
import json, sys, os
res = sys.argv[1]
frames = {}
for line in open(os.path.join(res, "frames.tsv")):
    f, kind, cat, text = line.rstrip("\n").split("\t")
    frames[f] = (kind, cat, text)

def load(name):
    """Every run of a configuration: per frame, the first run's reads, the
    median time and the ids of all runs (a false accept in any run counts)."""
    runs = sorted(f for f in os.listdir(res) if f.startswith(name + "-"))
    out = {}
    for i, run in enumerate(runs):
        for line in open(os.path.join(res, run)):
            o = json.loads(line)
            f = os.path.basename(o["file"])
            if i == 0:
                out[f] = dict(o, all_ms=[], all_ids=[])
            out[f]["all_ms"].append(o["ms"])
            out[f]["all_ids"].extend(o["ids"])
    for o in out.values():
        o["ms"] = sorted(o["all_ms"])[len(o["all_ms"]) // 2]
    return out

def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]

rows = []
for label, name in (("default (CUST#: QR, Code128)", "default"),
                    ("rules: EAN-13 on for one rule", "rules")):
    d = load(name)
    ms = [o["ms"] for o in d.values()]
    by = {k: [o for f, o in d.items() if frames[f][0] == k] for k in ("product", "member", "card", "none")}
    prod_ms = [o["ms"] for o in by["product"]]
    other_ms = [o["ms"] for k in ("member", "card", "none") for o in by[k]]
    prod_read = sum(1 for o in by["product"] if o["symbols"])
    false_acc = sum(len(o["all_ids"]) for k in ("product", "none") for o in by[k])
    member_ok = sum(1 for f, o in d.items() if frames[f][0] == "member" and o["ids"])
    card_ok = sum(1 for f, o in d.items() if frames[f][0] == "card"
                  and frames[f][2][5:] in o["ids"])
    rows.append((label, len(ms), sum(ms) / len(ms), pct(ms, 50), pct(ms, 95), max(ms),
                 sum(prod_ms) / len(prod_ms), sum(other_ms) / len(other_ms),
                 prod_read, len(by["product"]), false_acc,
                 member_ok, len(by["member"]), card_ok, len(by["card"])))
print("| configuration | frames | ms/frame mean | p50 | p95 | max | mean, product frames | mean, other frames | product codes read | false accepts (all runs) | member cards read | CUST# cards read |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d of %d | %d | %d of %d | %d of %d |" % r)
EOF
} | tee "$out"
