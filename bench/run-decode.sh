#!/bin/sh
# Decode benchmark: custscan's pipeline, plain ZBar, ZXing-C++ and WeChat,
# side by side on the same images, scored against the dataset's MANIFEST.tsv.
#
# Usage: bench/run-decode.sh [--symbologies QR,CODE128,NONE] [--half A|B|all]
#                            DATASET_DIR [OUT.md]
#
# Runs, one after the other (never in parallel, so timings stay honest):
#   custscan-decode --json      $CUSTSCAN_DECODE, default build/tools/custscan-decode,
#                               with $CUSTSCAN_DECODE_ARGS added (e.g. --exhaustive);
#                               without them, as the daemon runs on a card held
#                               still for 3 frames, 0.1 s (custscan-live, times per
#                               frame), and without budget or sweeps on each image
#                               as one frame (custscan-per-image)
#   custscan-bench-zbar-plain   $CUSTSCAN_BENCH_ZBAR, default build/bench/custscan-bench-zbar-plain
#   bench/peers.py              ZXing-C++ and OpenCV WeChat
# on the MANIFEST rows selected (default: the symbologies a customer card can
# be), keeps their JSON lines in bench/results/<time>/ and writes the scored
# table with a header (date, machine, versions, command) to OUT.md (default:
# decode.md in that results directory) and to stdout. A reader whose program
# is missing is left out with a warning. PYTHON (default /usr/bin/python3,
# Debian's, which has the zxingcpp and cv2 modules) runs the Python parts.
set -eu

usage()
{
	echo "usage: $0 [--symbologies LIST] [--half A|B|all] DATASET_DIR [OUT.md]" >&2
	exit 2
}

# The command as run, with the environment that changes what it measures.
command_line="$0 $*"
for var in CUSTSCAN_DECODE_ARGS CUSTSCAN_DECODE CUSTSCAN_BENCH_ZBAR PYTHON; do
	eval "val=\${$var-}"
	[ -z "$val" ] || command_line="$var='$val' $command_line"
done
symbologies=QR,CODE128,NONE
half=all
while [ $# -gt 0 ]; do
	case $1 in
	--symbologies) [ $# -ge 2 ] || usage; symbologies=$2; shift 2 ;;
	--half) [ $# -ge 2 ] || usage; half=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) break ;;
	esac
done
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	usage
fi

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo_dir=$(dirname "$bench_dir")
dataset=$(cd "$1" && pwd)
python=${PYTHON:-/usr/bin/python3}
decode=${CUSTSCAN_DECODE:-$repo_dir/build/tools/custscan-decode}
zbar_plain=${CUSTSCAN_BENCH_ZBAR:-$repo_dir/build/bench/custscan-bench-zbar-plain}
results=$bench_dir/results/$(date +%Y%m%d-%H%M%S)
out=${2:-$results/decode.md}
select="--symbologies $symbologies --half $half"

[ -f "$dataset/MANIFEST.tsv" ] || { echo "$0: no MANIFEST.tsv in $dataset" >&2; exit 1; }
mkdir -p "$results"
# shellcheck disable=SC2086 # $select is two options
"$python" "$bench_dir/manifest.py" "$dataset/MANIFEST.tsv" $select >"$results/files.txt"
echo "$(wc -l <"$results/files.txt") images, results in $results" >&2

# Runs a C reader over every selected file in batches, from the dataset
# directory so that "file" is the MANIFEST relpath. A reader exits 1 when a
# file fails to load; that file's line says so and score.py counts it missed.
run_batches()
{
	(cd "$dataset" && xargs -d '\n' -n 64 "$@" <"$results/files.txt") || true
}

readers=""
if [ -x "$decode" ]; then
	if [ -n "${CUSTSCAN_DECODE_ARGS-}" ]; then
		echo "custscan-decode ${CUSTSCAN_DECODE_ARGS} ..." >&2
		# shellcheck disable=SC2086 # CUSTSCAN_DECODE_ARGS is a list of options
		run_batches "$decode" --json ${CUSTSCAN_DECODE_ARGS} >"$results/custscan.jsonl"
		readers="$readers custscan=$results/custscan.jsonl"
	else
		# The daemon spreads costly passes over the frames of a stream (a
		# sweep every 3rd frame) within a per-frame budget: a photo stands
		# for a card held still for 3 frames, and each frame's time counts.
		# On single photographs the same cascade without budget or sweeps
		# is the fair comparison too: both are measured.
		echo "custscan-decode --hold 3 ..." >&2
		run_batches "$decode" --json --hold 3 >"$results/custscan.jsonl"
		readers="$readers custscan-live=$results/custscan.jsonl"
		echo "custscan-decode --budget-ms 0 ..." >&2
		run_batches "$decode" --json --budget-ms 0 >"$results/custscan-nobudget.jsonl"
		readers="$readers custscan-per-image=$results/custscan-nobudget.jsonl"
	fi
else
	echo "$0: warning: no $decode (set CUSTSCAN_DECODE); custscan left out" >&2
fi
if [ -x "$zbar_plain" ]; then
	echo "plain ZBar ..." >&2
	run_batches "$zbar_plain" >"$results/zbar-plain.jsonl"
	readers="$readers zbar-plain=$results/zbar-plain.jsonl"
else
	echo "$0: warning: no $zbar_plain (set CUSTSCAN_BENCH_ZBAR); plain ZBar left out" >&2
fi
echo "ZXing-C++ and WeChat ..." >&2
# shellcheck disable=SC2086
"$python" "$bench_dir/peers.py" "$dataset/MANIFEST.tsv" $select >"$results/peers.jsonl"
readers="$readers $results/peers.jsonl"

version()
{
	dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown
}

{
	echo "# Decode benchmark"
	echo
	echo "- date: $(date '+%Y-%m-%d %H:%M:%S %z')"
	echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
		"Linux $(uname -r), load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
	echo "- custscan: $(git -C "$repo_dir" describe --always --dirty 2>/dev/null || echo unknown)," \
		"$decode ${CUSTSCAN_DECODE_ARGS-}"
	echo "- zbar $(pkg-config --modversion zbar 2>/dev/null || echo unknown)" \
		"(libzbar0 $(version libzbar0)), zxing-cpp $(version python3-zxing-cpp)," \
		"opencv $("$python" -c 'import cv2; print(cv2.__version__)' 2>/dev/null || echo unknown)" \
		"(python3-opencv $(version python3-opencv))"
	echo "- dataset: $dataset ($(wc -l <"$results/files.txt") images, symbologies $symbologies, half $half)"
	echo "- command: \`$command_line\`"
	echo "- results: $results"
	echo
	# shellcheck disable=SC2086 # $readers is a list of NAME=FILE
	"$python" "$bench_dir/score.py" "$dataset/MANIFEST.tsv" $select $readers
} >"$out"
cat "$out"
