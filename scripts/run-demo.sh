#!/usr/bin/env bash
# The main job on its built-in default: installs, builds, then runs the whole
# flow without a camera or a screen. custscan (the display) replays the
# bundled captures of a phone showing the card CUST#DEMO-0001 under SDL's
# offscreen driver; custscan-register (the reference register) turns scan
# mode on and attaches the customer. Prints what each side does and where
# the screenshots of the display are, then stops both cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)" --target custscan custscan-register

run=$(mktemp -d /tmp/custscan-demo.XXXXXX)
mkdir -p "$run/screens"
scan="ipc://$run/scan.sock"
control="ipc://$run/control.sock"
mkfifo "$run/register.in"
exec 3<>"$run/register.in"

cleanup() {
  [ -n "${reg_pid:-}" ] && kill "$reg_pid" 2>/dev/null || true
  [ -n "${scan_pid:-}" ] && kill "$scan_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Waits up to $3 seconds for file $1 to contain $2.
wait_for() {
  local deadline=$((SECONDS + $3))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "== timed out waiting for \"$2\" in $1" >&2
      cat "$1" >&2
      return 1
    fi
    sleep 0.2
  done
}

echo "== custscan (display) on the bundled replay, no screen needed"
./build/app/custscan --headless --set scan_addr="$scan" --set control_addr="$control" \
  --screenshot-dir "$run/screens" 2>"$run/custscan.log" &
scan_pid=$!
echo "== custscan-register (register) with assets/demo-customers.csv"
./build/app/custscan-register --customers assets/demo-customers.csv --no-scan \
  --scan "$scan" --control "$control" <&3 >"$run/register.out" 2>"$run/register.err" &
reg_pid=$!

wait_for "$run/register.out" "order .* open" 20
echo "scan on" >&3
status=0
wait_for "$run/register.out" "attached DEMO-0001" 30 || status=1
wait_for "$run/custscan.log" "screen: confirmed" 10 || status=1
echo "status" >&3
wait_for "$run/register.out" "display: camera" 10 || status=1
echo "quit" >&3
wait "$reg_pid" || status=1
reg_pid=""
kill -TERM "$scan_pid"
wait "$scan_pid" || status=1
scan_pid=""

echo
echo "== what the register printed"
cat "$run/register.out"
echo
echo "== what the display showed (from its log; screenshots in $run/screens)"
grep -E "screen: |scan: |link: " "$run/custscan.log" | sed 's/^custscan: info: //'
ls "$run/screens"
if [ $status -eq 0 ]; then
  echo "== demo ok: the register attached DEMO-0001 and the display confirmed it"
else
  echo "== demo FAILED (logs in $run)" >&2
fi
exit $status
