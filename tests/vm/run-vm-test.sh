#!/usr/bin/env bash
# run-vm-test.sh - the camera source against a real kernel V4L2 driver.
#
#   run-vm-test.sh VM_CAPTURE WORKDIR [CUSTSCAN_PROBE]
#
# Boots Debian's own kernel under qemu (TCG: the CI machines' /dev/kvm cannot
# boot a stock kernel) with an initramfs holding busybox, the media modules,
# v4l2-ctl and VM_CAPTURE (tests/vm/vm_capture.c, built on the project's
# scanner library) with the shared libraries it needs. In the guest, vivid
# gets one HDMI input (video0) and one HDMI output (video1) with its loop
# control on, and v4l2-ctl feeds a GREY QR frame into the output, so the
# input shows it. vm_capture then checks format, controls, decoding, and
# removal (driver unbound) and recovery mid-stream. The verdict is the
# "RESULT:" line on the serial console.
#
# With BENCH=N, the guest times N scan-mode-on cycles instead (vm_capture
# --bench, "BENCH" lines; bench/run-camera.sh) and custscan-probe is not run.
#
# Exit status: 0 pass, 1 fail, 77 skipped (no qemu, kernel, busybox or
# v4l2-ctl: install them with scripts/install-deps.sh --test).
# Based on the measured recipe in ../shared/vm-v4l2 (about 7 s a boot).
set -euo pipefail

CAPTURE=${1:?usage: run-vm-test.sh VM_CAPTURE WORKDIR [CUSTSCAN_PROBE]}
WORK=${2:?usage: run-vm-test.sh VM_CAPTURE WORKDIR [CUSTSCAN_PROBE]}
PROBE=${3:-}
TEXT=${TEXT:-CUST#VM4L2-42}
EXPECT=${EXPECT:-$TEXT} # EXPECT=other: negative control, must fail
TIMEOUT=${TIMEOUT:-240}
BENCH=${BENCH:-} # N: time N start/stop cycles instead of testing
W=1280 H=720 # vivid's default HDMI DV timings: 720p60

skip() { echo "SKIP: $*"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
command -v cpio >/dev/null || skip "no cpio"
command -v v4l2-ctl >/dev/null || skip "no v4l2-ctl"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || skip "no static busybox (busybox-static)"
KV=${KV:-}
if [ -z "$KV" ]; then
  for d in $(ls /lib/modules 2>/dev/null | sort -V -r); do
    if [ -r "/boot/vmlinuz-$d" ] && ls /lib/modules/$d/kernel/drivers/media/test-drivers/vivid/vivid.ko* >/dev/null 2>&1; then
      KV=$d
      break
    fi
  done
fi
[ -n "$KV" ] || skip "no Debian kernel with vivid (linux-image-amd64)"
VMLINUZ=/boot/vmlinuz-$KV
MODDIR=/lib/modules/$KV/kernel/drivers/media

mkdir -p "$WORK"
R=$(mktemp -d "$WORK/root.XXXXXX")
trap 'rm -rf "$R"' EXIT
mkdir -p "$R"/{bin,dev,proc,sys,tmp,mods}
cp "$BUSYBOX" "$R/bin/busybox"

# Programs and the shared libraries they load (libv4l2's plugins are optional).
add_bin() {
  cp "$1" "$R/bin/$(basename "$1")"
  for l in $(ldd "$1" | grep -o '/[^ ]*'); do
    mkdir -p "$R$(dirname "$l")"
    cp -L "$l" "$R$l"
  done
}
add_bin "$CAPTURE"
[ -z "$PROBE" ] || add_bin "$PROBE"
add_bin "$(command -v v4l2-ctl)"

# The frame fed into vivid's output: a QR code on white, 8-bit GREY.
"$CAPTURE" --make-frame "$R/qr.raw" "$TEXT" $W $H

# vivid and what it needs, in load order.
MODS="rc/rc-core cec/core/cec mc/mc v4l2-core/videodev common/videobuf2/videobuf2-common
  common/videobuf2/videobuf2-v4l2 common/videobuf2/videobuf2-memops
  common/videobuf2/videobuf2-vmalloc common/videobuf2/videobuf2-dma-contig
  v4l2-core/v4l2-dv-timings common/v4l2-tpg/v4l2-tpg test-drivers/vivid/vivid"
ORDER=""
for m in $MODS; do
  f=$MODDIR/$m.ko n=$(basename "$m")
  if [ -f "$f" ]; then cp "$f" "$R/mods/$n.ko"
  elif [ -f "$f.xz" ]; then xz -dc "$f.xz" >"$R/mods/$n.ko"
  else echo "missing $f"; exit 1; fi
  ORDER="$ORDER $n"
done

# Sets vivid up and starts the feeder; used at boot and after re-binding.
cat >"$R/feed.sh" <<'FEED'
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /dev/video1 ] && break; sleep 0.2; done
v4l2-ctl -d /dev/video0 -c loop_video=1 -c osd_text_mode=2 || exit 1
v4l2-ctl -d /dev/video0 --set-fmt-video=width=1280,height=720,pixelformat=GREY || exit 1
v4l2-ctl -d /dev/video1 --set-fmt-video-out=width=1280,height=720,pixelformat=GREY || exit 1
v4l2-ctl -d /dev/video1 --stream-out-mmap=4 --stream-from=/qr.raw --stream-loop \
  --stream-count=1000000 >/dev/null 2>&1 &
echo $! >/tmp/feeder.pid
sleep 1 # the output queue fills, so captured frames are the looped ones
FEED
# Removes the camera mid-stream: vivid is a platform driver, unbinding it
# unregisters its video nodes under the open descriptor (rmmod would refuse
# while the device is open).
cat >"$R/unplug.sh" <<'UNPLUG'
kill "$(cat /tmp/feeder.pid)" 2>/dev/null
echo vivid.0 >/sys/bus/platform/drivers/vivid/unbind
UNPLUG
cat >"$R/replug.sh" <<'REPLUG'
echo vivid.0 >/sys/bus/platform/drivers/vivid/bind || exit 1
sh /feed.sh
REPLUG

cat >"$R/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $ORDER; do
  case \$m in
  vivid) insmod /mods/vivid.ko n_devs=1 node_types=0x101 num_inputs=1 input_types=0x3 num_outputs=1 output_types=0x1 ;;
  *) insmod /mods/\$m.ko ;;
  esac || echo "insmod \$m failed"
done
if ! sh /feed.sh; then
  echo "RESULT: FAIL vivid setup"
elif [ -n "$BENCH" ]; then
  echo # ends the firmware's last console line
  vm_capture --bench /dev/video0 '$EXPECT' $BENCH 2>&1
else
  vm_capture /dev/video0 '$EXPECT' /unplug.sh /replug.sh >/tmp/capture.log 2>&1
  rc=\$?
  cat /tmp/capture.log
  # custscan-probe as an installer runs it: list, then check and save a frame.
  if [ \$rc = 0 ] && [ -x /bin/custscan-probe ]; then
    custscan-probe | grep -E '^/dev/video|format GREY|control .*Gain' | sed 's/^/PROBE /'
    custscan-probe --device /dev/video0 --size 1280x720 --save /tmp/frame.png >/tmp/probe.log 2>&1
    sed 's/^/PROBE /' /tmp/probe.log
    if grep -q 'customer id VM4L2-42' /tmp/probe.log && [ -s /tmp/frame.png ]; then
      echo "CHECK ok: custscan-probe read the card and saved the frame"
    else
      echo "RESULT: FAIL custscan-probe"
    fi
  fi
fi
poweroff -f
INIT
chmod +x "$R/init"

# A raw cpio and the uncompressed kernel (PVH entry): decompressing either
# inside a TCG guest costs seconds.
INITRD="$WORK/initrd.cpio"
(cd "$R" && find . | cpio -o -H newc --quiet) >"$INITRD"
KERNEL=$VMLINUZ
VMLINUX="$WORK/vmlinux-$KV"
if [ ! -s "$VMLINUX" ]; then
  off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$VMLINUZ" | head -1 | cut -d: -f1 || true)
  if [ -n "$off" ]; then tail -c +$((off + 1)) "$VMLINUZ" | xz -dc >"$VMLINUX" 2>/dev/null || true; fi
fi
if head -c 4 "$VMLINUX" 2>/dev/null | grep -q ELF; then KERNEL=$VMLINUX; else rm -f "$VMLINUX"; fi

LOG="$WORK/console.log"
start=$(date +%s)
timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m 512 -nodefaults \
  -nographic -no-reboot -serial stdio -kernel "$KERNEL" -initrd "$INITRD" \
  -append "console=ttyS0 panic=-1 quiet" </dev/null >"$LOG" 2>&1 || true
end=$(date +%s)
tr -d '\r' <"$LOG" | grep -a -E '^(CHECK|STATE|FORMAT|CONTROL|DECODE|STATS|RESULT|LOG|PROBE|BENCH)|insmod|FAIL' || true
echo "vm: kernel $KV, $((end - start)) s"
tr -d '\r' <"$LOG" | grep -aq '^RESULT: PASS' && ! tr -d '\r' <"$LOG" | grep -aq '^RESULT: FAIL'
