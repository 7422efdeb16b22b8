#!/usr/bin/env bash
# The daemon end to end (issue 6): latency from the first frame holding a
# readable card to the register receiving the scan, and the daemon's CPU and
# memory idle and scanning. Headless (SDL offscreen), replay source, the
# reference register on ipc:// sockets in a scratch folder.
#
#   bench/run-daemon.sh [N_PRESENTATIONS] [OUT.md]      (defaults 10, stdout)
#
# Env: CUSTSCAN_BUILD (default build), WORK (scratch folder, default a new
# /tmp/custscan-bench-daemon.XXXXXX, kept: logs, sequences), CPU_SECONDS
# (measuring interval, default 20).
#
# Sequences: custscan-phonesim --sequence, N per size (640x480, 1280x720),
# seeds 2000+i, categories nominal/dark_mode/moire/reflection/pwm_banding in
# turn, QR and Code128 alternating, one id each. Each is converted to a
# YUV4MPEG2 mono stream (luma only, as the PNGs are grey) so the replay costs
# a read, like a camera's raw frame, not a PNG decode.
#
# Latency, per presentation: a fresh daemon (--replay SEQ.y4m, no loop) and
# register (--no-scan); "scan on" is typed into the register. Neither program
# prints timestamps, so every line of the daemon's stderr and the register's
# stdout is stamped as it arrives ($EPOCHREALTIME, one clock for both). The
# daemon logs "link: scan mode on" just before it tells the worker to start
# the replay, whose frame clock starts there: frame f is due at
# t(scan mode on) + f * 33.333 ms. f = the first frame that custscan-decode
# --exhaustive reads (the first readable frame). Latency = t(register prints
# "attached") - t(frame f due). Also reported: t(daemon logs the scan sent) -
# t(frame f due), the daemon's own "ms after its first read", and t("camera:
# ok") - t("scan mode on"), which bounds how late the frame clock can start.
#
# CPU and memory: one daemon per size replaying all N sequences of that size
# back to back (looping), the register with --confirm yes. Phases of
# CPU_SECONDS each: idle (scan mode off: source stopped), scanning (scan on,
# after 3 s), idle again (scan off, after 3 s). utime+stime from
# /proc/PID/stat over the interval, VmRSS and VmHWM from /proc/PID/status at
# its end, frames and dropped frames from the daemon's metrics file.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

n=${1:-10}
out=${2:-/dev/stdout}
build=${CUSTSCAN_BUILD:-build}
cpu_s=${CPU_SECONDS:-20}
work=${WORK:-$(mktemp -d /tmp/custscan-bench-daemon.XXXXXX)}
mkdir -p "$work"
daemon="$build/app/custscan"
register="$build/app/custscan-register"
sim="$build/tools/phonesim/custscan-phonesim"
decode="$build/tools/custscan-decode"
hz=$(getconf CLK_TCK)
categories=(nominal dark_mode moire reflection pwm_banding)

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# Stamps each line of stdin with the wall clock in seconds (µs resolution).
stamp() { while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done; }
# Waits up to $3 s for file $1 to contain $2.
wait_for() {
  local deadline=$((SECONDS + $3))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && { echo "timed out waiting for \"$2\" in $1" >&2; return 1; }
    sleep 0.02
  done
}
# First stamp of a line of $1 matching $2.
t_of() { grep -m1 -- "$2" "$1" | cut -d' ' -f1; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# count, median, p95 (nearest rank), max of the numbers on stdin
stats() {
  sort -g | awk '{ v[NR] = $1 } END {
    m = int(0.5 * NR + 0.999999); p = int(0.95 * NR + 0.999999)
    printf "%d %.0f %.0f %.0f\n", NR, v[m], v[p], v[NR] }'
}
metric() { awk -v k="custscan_$2" '$1 == k { print $2 }' "$1"; }

# ---- sequences -------------------------------------------------------------
echo "id,first_name,last_name,email,phone" >"$work/customers.csv"
for size in 640x480 1280x720; do
  mkdir -p "$work/$size"
  for ((i = 0; i < n; i++)); do
    d="$work/$size/seq-$i"
    id=$(printf 'dl%02d-ab' "$i")
    [ "$size" = 640x480 ] && echo "$id,Bench,$i,b$i@example.org,0" >>"$work/customers.csv"
    if [ ! -f "$d/TRUTH.tsv" ]; then
      cat=${categories[$((i % ${#categories[@]}))]}
      sym=$([ $((i % 2)) -eq 0 ] && echo qr || echo code128)
      mode=$([ "$cat" = dark_mode ] && echo dark || echo light)
      "$sim" --sequence "$d" --seed $((2000 + i)) --category "$cat" --symbology "$sym" \
        --mode "$mode" --size "$size" --text "CUST#$id" >/dev/null
      echo "$cat $sym" >"$d/what"
    fi
    if [ ! -f "$d/seq.y4m" ]; then
      w=${size%x*} h=${size#*x}
      {
        printf 'YUV4MPEG2 W%s H%s F30:1 Ip A1:1 Cmono\n' "$w" "$h"
        for f in "$d"/frame-*.png; do
          printf 'FRAME\n'
          pngtopnm "$f" | tail -c $((w * h))
        done
      } >"$d/seq.y4m"
      "$decode" --json --exhaustive "$d"/frame-*.png >"$d/exhaustive.jsonl"
    fi
  done
done

# One y4m per size with every sequence back to back (headers after the first dropped).
for size in 640x480 1280x720; do
  [ -f "$work/$size/all.y4m" ] && continue
  { head -n1 "$work/$size/seq-0/seq.y4m"
    for ((i = 0; i < n; i++)); do tail -c +"$(($(head -n1 "$work/$size/seq-$i/seq.y4m" | wc -c) + 1))" "$work/$size/seq-$i/seq.y4m"; done
  } >"$work/$size/all.y4m"
done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Starts daemon and register in $1 with replay $2 and extra register options.
start_pair() {
  local run=$1 replay=$2
  shift 2
  mkdir -p "$run"
  # A WORK folder from an earlier run still has its logs: the waits below
  # must not find their lines there.
  rm -f "$run/register.in" "$run/register.out" "$run/register.err" "$run/daemon.log" \
    "$run/metrics.prom"
  mkfifo "$run/register.in"
  exec 3<>"$run/register.in"
  "$daemon" --headless --replay "$replay" --set scan_addr="ipc://$run/scan.sock" \
    --set control_addr="ipc://$run/control.sock" --set metrics_file="$run/metrics.prom" \
    --set metrics_interval_ms=1000 "${EXTRA_DAEMON[@]}" 2> >(stamp >"$run/daemon.log") &
  d_pid=$!
  "$register" --customers "$work/customers.csv" --no-scan --scan "ipc://$run/scan.sock" \
    --control "ipc://$run/control.sock" "$@" <&3 > >(stamp >"$run/register.out") 2>"$run/register.err" &
  r_pid=$!
  pids=("$d_pid" "$r_pid")
  wait_for "$run/register.out" "order .* open" 20
}
stop_pair() {
  echo quit >&3 || true
  kill -TERM "$d_pid" 2>/dev/null || true
  wait "$d_pid" "$r_pid" 2>/dev/null || true
  kill "$r_pid" 2>/dev/null || true
  exec 3>&-
  pids=()
}

# ---- latency ---------------------------------------------------------------
lat_rows="$work/latency.tsv"
printf 'size\tseq\twhat\tfirst_visible\tfirst_readable\tlatency_ms\tsent_ms\tfirst_read_to_sent_ms\tclock_bound_ms\tload\n' >"$lat_rows"
EXTRA_DAEMON=(--set replay_loop=no)
for size in 640x480 1280x720; do
  for ((i = 0; i < n; i++)); do
    d="$work/$size/seq-$i"
    run="$work/lat-$size-$i"
    vis=$(awk -F'\t' 'NR > 1 && $2 == 1 { print $1; exit }' "$d/TRUTH.tsv")
    readable=$(awk '/"ids": \[ "/ { print NR - 1; exit }' "$d/exhaustive.jsonl")
    load=$(loadavg)
    start_pair "$run" "$d/seq.y4m"
    echo "scan on" >&3
    ok=1
    wait_for "$run/register.out" "attached" 10 || ok=0
    sleep 0.3
    stop_pair
    t_on=$(t_of "$run/daemon.log" "scan mode on")
    t_cam=$(t_of "$run/daemon.log" "camera: streaming")
    if [ $ok = 1 ] && [ -n "$readable" ]; then
      t_att=$(t_of "$run/register.out" "attached")
      t_sent=$(t_of "$run/daemon.log" "scan: customer")
      after=$(grep -m1 "scan: customer" "$run/daemon.log" | sed -E 's/.* ([0-9]+) ms after its first read.*/\1/')
      awk -v on="$t_on" -v cam="${t_cam:-$t_on}" -v att="$t_att" -v sent="$t_sent" -v f="$readable" \
        -v s="$size" -v i="$i" -v w="$(cat "$d/what")" -v vis="$vis" -v after="$after" -v load="$load" \
        'BEGIN { due = on + f * 0.033333; printf "%s\t%d\t%s\t%s\t%d\t%.1f\t%.1f\t%s\t%.1f\t%s\n",
          s, i, w, vis, f, (att - due) * 1000, (sent - due) * 1000, after, (cam - on) * 1000, load }' >>"$lat_rows"
    else
      printf '%s\t%d\t%s\t%s\t%s\tnever\t-\t-\t-\t%s\n' "$size" "$i" "$(cat "$d/what")" "$vis" "${readable:--}" "$load" >>"$lat_rows"
    fi
  done
done

# ---- CPU and memory --------------------------------------------------------
cpu_rows="$work/cpu.tsv"
printf 'size\tphase\tcpu_pct\trss_mb\thwm_mb\tframes_per_s\tdropped_per_s\tload\n' >"$cpu_rows"
# Measures phase $2 of the daemon replaying size $1.
measure() {
  local t0 t1 c0 c1 f0 f1 x0 x1 load
  f0=$(metric "$run/metrics.prom" frames_total || true)
  x0=$(metric "$run/metrics.prom" frames_dropped_total || true)
  c0=$(cpu_ticks "$d_pid") t0=$EPOCHREALTIME
  sleep "$cpu_s"
  c1=$(cpu_ticks "$d_pid") t1=$EPOCHREALTIME
  load=$(loadavg)
  sleep 1.1 # the metrics file is rewritten every second
  f1=$(metric "$run/metrics.prom" frames_total || true)
  x1=$(metric "$run/metrics.prom" frames_dropped_total || true)
  awk -v s="$1" -v p="$2" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
    -v rss="$(status_kb "$d_pid" VmRSS)" -v hwm="$(status_kb "$d_pid" VmHWM)" \
    -v f0="${f0:-0}" -v f1="${f1:-0}" -v x0="${x0:-0}" -v x1="${x1:-0}" -v load="$load" \
    'BEGIN { printf "%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\n", s, p,
      100 * (c1 - c0) / hz / (t1 - t0), rss / 1024, hwm / 1024,
      (f1 - f0) / (t1 - t0 + 1.1), (x1 - x0) / (t1 - t0 + 1.1), load }' >>"$cpu_rows"
}
EXTRA_DAEMON=(--set replay_loop=yes)
for size in 640x480 1280x720; do
  run="$work/cpu-$size"
  start_pair "$run" "$work/$size/all.y4m" --confirm yes
  sleep 3
  measure "$size" "idle (scan mode off)"
  echo "scan on" >&3
  sleep 3
  measure "$size" "scanning"
  echo "scan off" >&3
  sleep 3
  measure "$size" "idle after scanning"
  stop_pair
done

# ---- report ----------------------------------------------------------------
{
  echo "commit $(git describe --always --dirty), $(date +%F), $n presentations per size, work folder $work"
  echo
  echo "Per presentation (ms from the first readable frame's due time):"
  echo
  echo '| size | seq | category, code | first fully visible | first readable | to register "attached" ms | to daemon "scan sent" ms | daemon "ms after its first read" | "camera: streaming" after "scan mode on" ms | load |'
  echo '|---|---|---|---|---|---|---|---|---|---|'
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' "$lat_rows"
  echo
  echo '| size | presentations read | latency to register median ms | p95 ms | max ms | to scan sent median ms | p95 ms |'
  echo '|---|---|---|---|---|---|---|'
  for size in 640x480 1280x720; do
    read -r k lm lp lx <<<"$(awk -F'\t' -v s="$size" '$1 == s && $6 != "never" { print $6 }' "$lat_rows" | stats)"
    read -r _ sm sp _ <<<"$(awk -F'\t' -v s="$size" '$1 == s && $6 != "never" { print $7 }' "$lat_rows" | stats)"
    echo "| $size | $k of $n | $lm | $lp | $lx | $sm | $sp |"
  done
  echo
  echo "CPU (% of one core over ${cpu_s} s) and memory of the daemon:"
  echo
  echo '| size | phase | CPU % of one core | VmRSS MB | VmHWM MB | frames/s | dropped/s | load average |'
  echo '|---|---|---|---|---|---|---|---|'
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$cpu_rows"
} >"$out"
