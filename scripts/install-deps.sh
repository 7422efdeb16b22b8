#!/usr/bin/env bash
# Installs the Debian 12 packages custscan needs.
#   install-deps.sh          what building and running needs
#   install-deps.sh --test   also what the tests, checks and fuzzing need
set -euo pipefail

build_pkgs=(
  build-essential cmake pkg-config
  libzbar-dev libv4l-dev libnanomsg-dev libsdl2-dev libsdl2-ttf-dev
  libpng-dev libjpeg-dev libjson-c-dev libqrencode-dev libzint-dev
  libcairo2-dev fonts-dejavu-core
)
test_pkgs=(
  libcmocka-dev clang libclang-rt-14-dev clang-format cppcheck valgrind
  zbar-tools nanomsg-utils libnng-dev
  # custcard's PDFs rasterised and decoded back (test_card_render)
  ghostscript
  # the camera test against vivid in a qemu guest (tests/vm): about 1 min to
  # install; linux-image-amd64 puts Debian's kernel in /boot for the guest
  qemu-system-x86 linux-image-amd64 busybox-static cpio v4l-utils
)

pkgs=("${build_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then
  pkgs+=("${test_pkgs[@]}")
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${pkgs[@]}"
