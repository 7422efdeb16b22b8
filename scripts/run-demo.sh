#!/usr/bin/env bash
# The main job on its built-in default: installs, builds, then decodes the
# bundled phone-card captures with the daemon's pipeline and prints the ids.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)" --target custscan-decode
echo "== decoding the bundled phone-card captures (assets/samples/)"
./build/tools/custscan-decode assets/samples/*.png
