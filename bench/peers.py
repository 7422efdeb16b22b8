#!/usr/bin/python3
"""Runs the peer readers of the decode benchmark on the images of a MANIFEST.

Readers, each with its defaults, on the image loaded as grey by OpenCV:
  zxing-cpp  python3-zxing-cpp, zxingcpp.read_barcodes(gray)
  wechat     OpenCV's cv2.wechat_qrcode_WeChatQRCode() without model files,
             detectAndDecode(gray)

Prints one JSON line per reader and image, in custscan-decode's shape plus the
reader's name; "ms" times the decode call alone (time.perf_counter):

  {"reader": "zxing-cpp", "file": "zxing/qrcode-1/1.png",
   "symbols": [{"type": "QRCode", "text": "..."}], "ms": 6.1}

Each reader runs in a worker subprocess. ZXing-C++ 1.4 aborts on an assertion
on some images (zxing/code128-1/4.png): when a worker dies, the image is
recorded as {"crash": true, "symbols": [], "ms": null} and a new worker takes
the next image. Readers run one after the other, one worker at a time unless
--jobs says otherwise (parallel workers disturb each other's timing).

Usage (with /usr/bin/python3, which has the zxingcpp and cv2 modules):
  bench/peers.py MANIFEST.tsv [--readers zxing-cpp,wechat] [--jobs 1]
                 [--symbologies QR,CODE128,NONE] [--half A|B|all] > peers.jsonl
"""
import argparse
import json
import os
import queue
import subprocess
import sys
import threading
import time

import manifest

READERS = ("zxing-cpp", "wechat")


# ---------------------------------------------------------------- worker side

def make_reader(name):
    """A function gray image -> list of {"type", "text"}, for one reader."""
    if name == "zxing-cpp":
        import zxingcpp

        def read(gray):
            return [{"type": r.format.name, "text": r.text}
                    for r in zxingcpp.read_barcodes(gray)]
    elif name == "wechat":
        import cv2

        detector = cv2.wechat_qrcode_WeChatQRCode()

        def read(gray):
            try:
                texts, _points = detector.detectAndDecode(gray)
            except UnicodeDecodeError as e:
                # OpenCV cannot turn a payload that is not UTF-8 (Shift-JIS
                # read as bytes) into str. It did read it: keep those bytes,
                # escaped. Other codes of the same image are lost.
                return [{"type": "QR-Code", "invalid_utf8": True,
                         "text": e.object.decode("utf-8", "backslashreplace")}]
            return [{"type": "QR-Code", "text": t} for t in texts]
    else:
        raise ValueError(f"unknown reader {name}")
    return read


def worker(name, dataset_dir):
    """Reads relpaths on stdin, answers one JSON line each on stdout."""
    import cv2
    import numpy

    read = make_reader(name)
    read(numpy.full((64, 64), 255, numpy.uint8))  # warm-up: lazy initialisation
    for line in sys.stdin:
        relpath = line.rstrip("\n")
        out = {"reader": name, "file": relpath}
        gray = cv2.imread(os.path.join(dataset_dir, relpath), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            out.update(symbols=[], ms=None, error="cannot load image")
        else:
            try:
                start = time.perf_counter()
                found = read(gray)
                ms = (time.perf_counter() - start) * 1e3
                out.update(symbols=found, ms=round(ms, 3))
            except Exception as e:  # a reader failing on one image, not a crash
                out.update(symbols=[], ms=None, error=f"{type(e).__name__}: {e}")
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


# ---------------------------------------------------------------- driver side

class Worker:
    """A worker subprocess for one reader, restarted after it dies."""

    def __init__(self, name, dataset_dir):
        self.cmd = [sys.executable, os.path.abspath(__file__),
                    "--worker", name, dataset_dir]
        self.name = name
        self.proc = None

    def run(self, relpath):
        """The JSON line (a dict) for one image; a crash record if it died."""
        if self.proc is None:
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True,
                                         encoding="utf-8")
        try:
            self.proc.stdin.write(relpath + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        if line:
            return json.loads(line)
        status = self.proc.wait()
        self.proc = None
        print(f"peers: {self.name} died on {relpath} (status {status})",
              file=sys.stderr)
        return {"reader": self.name, "file": relpath, "symbols": [], "ms": None,
                "crash": True, "status": status}

    def close(self):
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait()
            self.proc = None


def run_reader(name, dataset_dir, relpaths, jobs):
    """Runs one reader over relpaths with jobs workers; prints lines in order."""
    todo = queue.Queue()
    for i, relpath in enumerate(relpaths):
        todo.put((i, relpath))
    results = [None] * len(relpaths)

    def drain():
        w = Worker(name, dataset_dir)
        try:
            while True:
                try:
                    i, relpath = todo.get_nowait()
                except queue.Empty:
                    return
                results[i] = w.run(relpath)
        finally:
            w.close()

    threads = [threading.Thread(target=drain) for _ in range(max(1, jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for out in results:
        sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    parser.add_argument("--readers", default=",".join(READERS),
                        help="comma-separated (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="parallel workers per reader (default: 1, for honest timing)")
    manifest.add_selection_args(parser)
    args = parser.parse_args()

    dataset_dir = os.path.dirname(os.path.abspath(args.manifest))
    rows = manifest.select(manifest.read_manifest(args.manifest),
                           args.symbologies, args.half)
    relpaths = [r["relpath"] for r in rows]
    for name in args.readers.split(","):
        if name not in READERS:
            parser.error(f"unknown reader {name}")
        run_reader(name, dataset_dir, relpaths, args.jobs)


if __name__ == "__main__":
    main()
