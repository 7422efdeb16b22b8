#!/usr/bin/env bash
# Every check: installs, then formatting, static analysis, a -Werror build
# with all tests, the tests again under ASan+UBSan, and a short fuzz run.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
bash scripts/install-deps.sh --test

echo "== clang-format"
git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

echo "== cppcheck"
cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 \
  --inline-suppr --suppress=missingIncludeSystem \
  -I scanner/include -I scanner -I tools \
  $(git ls-files '*.c')

echo "== build (-Wall -Wextra -Werror) and tests"
cmake -S . -B build-ci -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCUSTSCAN_WERROR=ON >/dev/null
cmake --build build-ci -j"$jobs"
(cd build-ci && ctest --output-on-failure -j"$jobs")

echo "== tests under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCUSTSCAN_SANITIZE=ON -DCUSTSCAN_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs")

echo "== fuzz smoke run"
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCUSTSCAN_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_targets
for f in build-fuzz/tests/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  corpus=$(mktemp -d)
  cp -r "tests/fuzz/corpus/${name#fuzz_}/." "$corpus/" 2>/dev/null || true
  echo "-- $name"
  "$f" -max_total_time=20 -print_final_stats=0 "$corpus" 2>&1 | tail -n 2
  rm -rf "$corpus"
done

echo "== all checks passed"
