#!/bin/sh
# Camera start-up benchmark: the time from "scan mode on"
# (scanner_source_start) to the first frame and to the first frame whose
# decode yields the card id, over CYCLES start/stop cycles of one source.
#
# Usage: bench/run-camera.sh [CYCLES] [OUT.md]      (default 20 cycles)
#
# Runs, one after the other:
#   host   vm_capture --bench on a replay source (the same 1280x720 QR frame
#          on a 30 fps clock): the code path without a driver, the baseline;
#   vm     tests/vm/run-vm-test.sh with BENCH=CYCLES: Debian's kernel under
#          qemu TCG with vivid looping the frame into its HDMI input, and
#          vm_capture --bench on /dev/video0, all cycles inside one boot.
# qemu TCG emulates the CPU in software, many times slower than hardware, so
# the VM figures are an upper bound for the code path (libv4l2, the driver's
# streaming set-up, the decoder), not a real camera's latency, which adds its
# own sensor start and exposure settling.
#
# Keeps the raw BENCH lines and the console in bench/results/<time>/ and
# writes a markdown table (median, p95, max; the first, cold cycle shown too)
# with date, load and command to OUT.md (default camera.md there) and stdout.
# VM_CAPTURE (default build/tests/vm/vm_capture) is the guest program.
set -eu

command_line="$0 $*"
[ -z "${VM_CAPTURE-}" ] || command_line="VM_CAPTURE='$VM_CAPTURE' $command_line"
cycles=${1:-20}
bench_dir=$(cd "$(dirname "$0")" && pwd)
repo_dir=$(dirname "$bench_dir")
capture=${VM_CAPTURE:-$repo_dir/build/tests/vm/vm_capture}
results=$bench_dir/results/$(date +%Y%m%d-%H%M%S)-camera
out=${2:-$results/camera.md}
text='CUST#VM4L2-42'

[ -x "$capture" ] || { echo "$0: no $capture (build it, or set VM_CAPTURE)" >&2; exit 1; }
mkdir -p "$results"

echo "host replay, $cycles cycles ..." >&2
"$capture" --make-frame "$results/qr.raw" "$text" 1280 720
{ printf 'P5\n1280 720\n255\n'; cat "$results/qr.raw"; } >"$results/qr.pgm"
"$capture" --bench "$results/qr.pgm" "$text" "$cycles" >"$results/host.txt"
load_host=$(cut -d ' ' -f 1-3 /proc/loadavg)

echo "vm (qemu TCG, vivid), $cycles cycles ..." >&2
rc=0
BENCH=$cycles TIMEOUT=$((120 + 10 * cycles)) TEXT=$text \
	bash "$repo_dir/tests/vm/run-vm-test.sh" "$capture" "$results/vm" >"$results/vm.txt" || rc=$?
load_vm=$(cut -d ' ' -f 1-3 /proc/loadavg)
cp "$results/vm/console.log" "$results/console.log" 2>/dev/null || true
rm -rf "$results/vm" "$results/qr.raw"
[ "$rc" = 0 ] || { cat "$results/vm.txt" >&2; echo "$0: vm run failed ($rc)" >&2; exit 1; }

{
	echo "# Camera start-up benchmark"
	echo
	echo "- date: $(date '+%Y-%m-%d %H:%M:%S %z')"
	echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
		"Linux $(uname -r); load average after host run $load_host, after vm run $load_vm"
	echo "- custscan: $(git -C "$repo_dir" describe --always --dirty 2>/dev/null || echo unknown), $capture"
	echo "- vm: $(sed -n 's/^vm: //p' "$results/vm.txt"), qemu TCG, 1 vCPU, vivid HDMI input 1280x720 GREY"
	echo "- command: \`$command_line\`"
	echo "- results: $results"
	echo
	python3 - "$results/host.txt" "$results/vm.txt" <<'PY'
import re, statistics, sys

def cycles(path):
    rows = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"BENCH (.*)", line.strip())
        if m:
            rows.append({k: float(v) for k, v in (f.split("=") for f in m.group(1).split())})
    return rows

def p95(v):
    v = sorted(v)
    return v[max(0, -(-len(v) * 95 // 100) - 1)]

print("| source | what | cycles | cold (cycle 1) ms | median ms | p95 ms | max ms |")
print("|---|---|---|---|---|---|---|")
for name, path in (("host, replay", sys.argv[1]), ("qemu TCG, vivid", sys.argv[2])):
    rows = cycles(path)
    for key, what in (("start_ms", "start() returns"), ("first_frame_ms", "first frame"),
                      ("decoded_ms", "first frame with the id decoded")):
        v = [r[key] for r in rows]
        if not v:
            continue
        print(f"| {name} | {what} | {len(rows)} | {v[0]:.1f} | "
              f"{statistics.median(v):.1f} | {p95(v):.1f} | {max(v):.1f} |")
print()
print("median, p95 (nearest rank) and max are over all cycles, the first included; "
      "frames until the id: " + ", ".join(f"{n} max {max(int(r['frames']) for r in cycles(p))}"
                         for n, p in (("host", sys.argv[1]), ("vm", sys.argv[2]))))
PY
} >"$out"
cat "$out"
