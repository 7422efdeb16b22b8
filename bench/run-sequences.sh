#!/usr/bin/env bash
# Latency and exactly-once of the confirmation logic on simulated
# presentations: a phone entering the view, held, leaving.
#
#   bench/run-sequences.sh [N_SEQUENCES] [OUT.md]
#
# Generates N sequences with custscan-phonesim (cached in
# bench/results/sequences/), runs custscan-decode --sequence over each with
# several k-of-n settings, and reports per setting: sequences whose id was
# emitted exactly once, never, or more than once; wrong ids; and the latency
# from the first frame in which the code is fully visible to the emission,
# in frames (median, p95), and from the first frame that custscan reads at
# all with every pass (a phone still moving in is too blurred to read).
set -euo pipefail
cd "$(dirname "$0")/.."

n=${1:-12}
out=${2:-/dev/stdout}
build=${CUSTSCAN_BUILD:-build}
sim="$build/tools/phonesim/custscan-phonesim"
decode="$build/tools/custscan-decode"
dir=bench/results/sequences
mkdir -p "$dir"

categories=(nominal dark_mode moire glare reflection tilt pwm_banding mjpeg_noise)
for ((i = 0; i < n; i++)); do
  seq_dir="$dir/seq-$i"
  [ -f "$seq_dir/TRUTH.tsv" ] && continue
  cat=${categories[$((i % ${#categories[@]}))]}
  sym=$([ $((i % 2)) -eq 0 ] && echo qr || echo code128)
  mode=$([ "$cat" = dark_mode ] && echo dark || echo light)
  # ids of 8 characters: a longer Code128 has modules under 2 px at
  # 640x480, which no reader resolves (see docs/BENCHMARKS.md)
  "$sim" --sequence "$seq_dir" --seed $((1000 + i)) --category "$cat" \
    --symbology "$sym" --mode "$mode" --size 640x480 \
    --text "CUST#seq$(printf %02d "$i")-ab" >/dev/null
done

# the first frame of each sequence that can be read at all, with every pass
for ((i = 0; i < n; i++)); do
  seq_dir="$dir/seq-$i"
  frames=$(awk -F'\t' 'NR > 1 { printf "%s/frame-%03d.png\n", d, $1 }' d="$seq_dir" \
    "$seq_dir/TRUTH.tsv")
  # shellcheck disable=SC2086
  "$decode" --json --exhaustive $frames > "$seq_dir/decode-exhaustive.jsonl"
done

for confirm in 1/1 2/3 2/4 3/5; do
  for ((i = 0; i < n; i++)); do
    seq_dir="$dir/seq-$i"
    frames=$(awk -F'\t' 'NR > 1 { printf "%s/frame-%03d.png\n", d, $1 }' d="$seq_dir" \
      "$seq_dir/TRUTH.tsv")
    # shellcheck disable=SC2086
    "$decode" --json --sequence --confirm "$confirm" $frames > "$seq_dir/decode-${confirm/\//of}.jsonl"
  done
done

${PYTHON:-/usr/bin/python3} bench/score_sequences.py "$dir" "$n" > "$out"
