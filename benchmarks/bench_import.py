"""Bounded import: time and peak memory to refuse gzip bombs and to load huge or deep layers.

Issue 15: a ``docker save | gzip`` archive was decompressed whole to disk before any check, a
layer gzip bomb cost 48 s and 714 MB before its DiffID mismatch was reported, 1,000,000
entries took 36 s and 1.3 GB, and 4,000 nesting levels took 11.5 s.  With the streaming header
reader (``simulator.oci.tarstream``) 1,000,000 entries load in 28.0 s at 418 MB (33.6 s and
417 MB with ``tarfile``'s header parsing, the same machine, December 2026).  Each case below runs in a
fresh Python process (its peak RSS is its own) with the default :class:`ImportLimits`.

Run: ``.venv/bin/python benchmarks/bench_import.py [--entries N] [--bomb-gib N]``.  It prints a
table; nothing here is a test.  The inputs are made in a temporary directory (a 10 GiB bomb is
about 10 MB on disk: ten gzip members of 1 GiB of zeros each).
"""

from __future__ import annotations

import argparse
import gzip
import io
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.oci.layouts import make_layout  # noqa: E402 - after the sys.path line above


def _gib_of_zeros() -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 24)
    return b"".join([*(c.compress(block) for _ in range(64)), c.flush()])


def _tar_header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    return info.tobuf(tarfile.GNU_FORMAT)  # base-256 sizes: a 10 GiB member fits


def trailing_bomb(gib: int) -> bytes:
    """A valid one-file layer tar, then ``gib`` GiB of zeros (gzip members)."""
    tar = _tar_header("a", 1) + b"x".ljust(512, b"\0") + b"\0" * 1024
    return gzip.compress(tar, mtime=0) + _gib_of_zeros() * gib


def file_bomb(gib: int) -> bytes:
    """One tar member of ``gib`` GiB of zeros."""
    return gzip.compress(_tar_header("zeros", gib << 30), mtime=0) + _gib_of_zeros() * gib


def wide_tar(entries: int) -> bytes:
    """``entries`` members: directories of 999 empty files each (the directory counts)."""
    out = io.BytesIO()
    for i in range(entries):
        if i % 1000 == 0:
            info = tarfile.TarInfo(f"d{i // 1000}/")
            info.type = tarfile.DIRTYPE
            out.write(info.tobuf(tarfile.USTAR_FORMAT))
        else:
            out.write(_tar_header(f"d{i // 1000}/f{i % 1000}", 0))
    out.write(b"\0" * 1024)
    return out.getvalue()


def deep_tar(depth: int) -> bytes:
    """``depth`` nested directories ``d/d/d/...`` (PAX names: longer than 100 bytes)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for level in range(1, depth + 1):
            info = tarfile.TarInfo("/".join(["d"] * level))
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
    return buf.getvalue()


CHILD = textwrap.dedent(
    """
    import sys, time, warnings
    sys.path.insert(0, sys.argv[2])
    from simulator.errors import ImageFormatError
    from simulator.oci import read_layout
    start = time.perf_counter()
    try:
        found = read_layout(sys.argv[1])
        outcome = f"loaded ({sum(len(l.entries) for i, _ in found for l in i.layers)} entries)"
    except ImageFormatError as e:
        outcome = "refused: " + str(e).split(": ", 1)[1][:70]
    seconds = time.perf_counter() - start
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]  # this process's own peak
    print(f"{seconds:.2f}\\t{int(hwm) // 1024}\\t{outcome}")
    """
)


def measure(path: Path) -> tuple[str, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(ROOT)], capture_output=True, text=True, timeout=3600
    )
    if done.returncode:
        return "-", "-", "crashed: " + done.stderr.strip().splitlines()[-1]
    seconds, rss, outcome = done.stdout.strip().split("\t")
    return seconds, rss, outcome


def _gzip_archive(layout: Path, out: Path) -> Path:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(layout, arcname=".")
    out.write_bytes(gzip.compress(buf.getvalue(), compresslevel=1, mtime=0))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--bomb-gib", type=int, default=10)
    parser.add_argument("--depth", type=int, default=4000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        base = Path(tmp)
        tiny = b"\0" * 1024
        cases = [
            (f"{args.bomb_gib} GiB of zeros after a layer tar", [tiny], [trailing_bomb(args.bomb_gib)]),
            (f"{args.bomb_gib} GiB file in a layer (gzip bomb)", [tiny], [file_bomb(args.bomb_gib)]),
        ]
        for n, (label, tars, blobs) in enumerate(cases):
            rows.append((label, *measure(make_layout(base / f"c{n}", tars, blobs=blobs))))
        # the same file bomb as the member of a gzip-compressed archive (docker save | gzip)
        bomb = base / "outer.tar.gz"
        gib = _gib_of_zeros()
        bomb.write_bytes(
            gzip.compress(_tar_header("index.json", args.bomb_gib << 30), mtime=0) + gib * args.bomb_gib
        )
        rows.append((f"{args.bomb_gib} GiB member of a .tar.gz archive", *measure(bomb)))
        wide = wide_tar(args.entries)
        lay = make_layout(base / "wide", [wide])
        rows.append((f"{args.entries:,} entries in one layer", *measure(lay)))
        rows.append(
            (
                f"{args.entries:,} entries, as a .tar.gz archive",
                *measure(_gzip_archive(lay, base / "wide.tar.gz")),
            )
        )
        del wide
        rows.append(
            (
                f"{args.depth:,} nested directories",
                *measure(make_layout(base / "deep", [deep_tar(args.depth)])),
            )
        )
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'seconds':>8}  {'peak MB':>8}  outcome")
    for label, seconds, rss, outcome in rows:
        print(f"{label:<{width}}  {seconds:>8}  {rss:>8}  {outcome}")


if __name__ == "__main__":
    main()
