"""Registry speed: push + pull of 10 library images through the in-memory registry, side by side
with skopeo copying the same images to and from a real local registry (Debian's docker-registry).

Issue 12 section 6: the in-memory push + pull is at least 100x faster than skopeo to and from the
real local registry.

Run: ``.venv/bin/python benchmarks/bench_registry.py [--rounds N] [--no-skopeo]``. It prints a
table; nothing here is a test, so a slow machine never fails CI.

What is timed, for both sides, is the transfer of images whose compressed layer blobs already
exist: skopeo copies from OCI layouts written beforehand (``simulator.oci.write_layout``, not
timed) and layerlab pushes images whose gzip blobs were computed once beforehand (as Docker keeps
the DiffID -> blob digest mapping of layers it pushed).  The cold cost of compressing the layers
the first time is reported on its own line.  layerlab: ``push`` of each image into a fresh
``Registry``, then ``pull`` of each into a fresh ``Engine`` (classic store rules).  skopeo:
``skopeo copy oci:DIR:TAG docker://127.0.0.1:PORT/NAME:TAG`` for each image into a freshly started
registry, then ``skopeo copy docker://... oci:OUT:TAG`` back.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator import Engine  # noqa: E402 - after the sys.path line above
from simulator.distro import library  # noqa: E402
from simulator.oci import write_layout  # noqa: E402
from simulator.registry import Registry, image_content, pull, push  # noqa: E402

RATIO_GOAL = 100.0
IMAGES = (
    "alpine:3.20",
    "busybox:1.36",
    "debian:12",
    "debian:12-slim",
    "nginx:1.27",
    "node:20-bookworm-slim",
    "python:3.11-slim",
    "python:3.12-slim",
    "ubuntu:24.04",
    "alpine:latest",  # the same image as alpine:3.20 under another tag: its blobs already exist
)


def _layerlab_round(engine: Engine) -> float:
    reg = Registry()
    target = Engine()
    start = time.perf_counter()
    for ref in IMAGES:
        push(engine, ref, reg, quiet=True)
    for ref in IMAGES:
        pull(target, ref, reg, quiet=True)
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_registry(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    config = work / "config.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {work / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    proc = subprocess.Popen(
        ["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2):
                return proc, f"127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("docker-registry did not start") from None
            time.sleep(0.1)


def _skopeo_round(layouts: dict[str, Path], work: Path) -> float:
    proc, address = _start_registry(work)
    try:
        start = time.perf_counter()
        for ref, layout in layouts.items():
            name, tag = ref.split(":")
            subprocess.run(
                ["skopeo", "copy", "-q", "--dest-tls-verify=false", f"oci:{layout}:{tag}",
                 f"docker://{address}/{name}:{tag}"],
                check=True, timeout=300,
            )  # fmt: skip
        for ref in layouts:
            name, tag = ref.split(":")
            out = work / "out" / name.replace("/", "_")
            out.parent.mkdir(exist_ok=True)
            subprocess.run(
                ["skopeo", "copy", "-q", "--src-tls-verify=false", f"docker://{address}/{name}:{tag}",
                 f"oci:{out}:{tag}"],
                check=True, timeout=300,
            )  # fmt: skip
        return time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="layerlab rounds (median reported)")
    parser.add_argument("--skopeo-rounds", type=int, default=1)
    parser.add_argument("--no-skopeo", action="store_true")
    args = parser.parse_args()

    engine = Engine()
    for ref in IMAGES:
        engine.images.add(library.get(ref), ref)
    start = time.perf_counter()
    blob_bytes = sum(sum(d.size for d in image_content(engine.images.get(ref)).layers) for ref in IMAGES)
    cold = time.perf_counter() - start
    times = [_layerlab_round(engine) for _ in range(args.rounds)]
    ours = statistics.median(times)
    rows = [
        ("images", str(len(IMAGES))),
        ("compressed layer bytes (with repeats)", f"{blob_bytes:,}"),
        ("layerlab: gzip of every layer, once (not in the ratio)", f"{cold:.3f} s"),
        (f"layerlab: push + pull, in-memory registry (median of {args.rounds})", f"{ours * 1000:.1f} ms"),
    ]
    if not args.no_skopeo and shutil.which("skopeo") and shutil.which("docker-registry"):
        with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
            work = Path(tmp)
            layouts = {}
            for ref in IMAGES:
                layouts[ref] = write_layout(engine.images.get(ref), work / ref.replace(":", "_"), [ref])
            skopeo_times = []
            for i in range(args.skopeo_rounds):
                round_dir = work / f"round{i}"
                round_dir.mkdir()
                skopeo_times.append(_skopeo_round({k: Path(v) for k, v in layouts.items()}, round_dir))
        theirs = statistics.median(skopeo_times)
        ratio = theirs / ours
        rows += [
            ("skopeo: copy to + from docker-registry on 127.0.0.1", f"{theirs:.2f} s"),
            (
                f"ratio (goal >= {RATIO_GOAL:.0f}x)",
                f"{ratio:.0f}x {'ok' if ratio >= RATIO_GOAL else 'BELOW GOAL'}",
            ),
        ]
    else:
        rows.append(("skopeo side", "skipped (no skopeo/docker-registry, or --no-skopeo)"))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
