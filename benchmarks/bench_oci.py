"""Import a ~300 MB, ~8,000-file, 4-layer Debian image and compare with ``umoci unpack``.

    python benchmarks/bench_oci.py [--cache DIR] [--rounds N]

The image (cached under ``--cache``, default ``/tmp/layerlab-bench``; never committed):

1. ``debootstrap --variant=minbase bookworm`` from deb.debian.org, packed with umoci in four
   ``umoci repack`` steps that look like a Dockerfile's layers:

   - L1 the base system without ``/usr/share`` and apt's lists and cache (``/dev`` emptied,
     as Docker's Debian images have it);
   - L2 ``/usr/share``;
   - L3 "``apt-get update && apt-get install python3``": apt's lists and cache, plus this
     machine's ``/usr/lib/python3.11`` (Debian bookworm's, so still a Debian tree);
   - L4 "``apt-get clean && rm -rf /usr/share/doc``": whiteouts for the ``.deb`` files and the
     docs, plus ``/usr/lib/python3/dist-packages`` (so it also adds data).

   Without network (debootstrap fails), L1/L2 are built from this machine's ``/usr/bin``,
   ``/usr/lib/x86_64-linux-gnu`` and ``/usr/share`` instead (said in the output).

2. Timing, ``--rounds`` times, alternating, page cache warm for both: ``umoci unpack`` of the
   image into a fresh bundle, against a fresh Python process that imports the layout with
   :func:`simulator.oci.read_layout` and analyses it (merged view, sizes per layer, wasted
   bytes, one lazily read file).  Peak memory is the child's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

TAG = "bench"
_ROOT = Path(__file__).resolve().parent.parent


def _sh(*argv: str, cwd: Path | None = None) -> None:
    subprocess.run(argv, check=True, cwd=cwd, stdout=subprocess.DEVNULL)


def _debootstrap(rootfs: Path) -> bool:
    if (rootfs / "usr/bin/apt-get").exists():
        return True
    if not shutil.which("debootstrap"):
        return False
    shutil.rmtree(rootfs, ignore_errors=True)
    proc = subprocess.run(
        ["debootstrap", "--variant=minbase", "bookworm", str(rootfs), "http://deb.debian.org/debian"],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        print(f"debootstrap failed ({proc.stderr.strip()[-300:]}); building from this machine's files")
        shutil.rmtree(rootfs, ignore_errors=True)
        return False
    return True


def _copy(src: str, dst: Path) -> None:
    if os.path.exists(src):
        dst.parent.mkdir(parents=True, exist_ok=True)
        _sh("cp", "-a", src, str(dst))


def build_image(cache: Path) -> tuple[Path, str]:
    """The layout (built once, then reused) and a description of where it came from."""
    layout = cache / "layout"
    stamp = layout / "layerlab-bench-v2.json"
    if stamp.exists():
        return layout, json.loads(stamp.read_text())["origin"]
    cache.mkdir(parents=True, exist_ok=True)
    rootfs = cache / "rootfs"
    debian = _debootstrap(rootfs)
    origin = "debootstrap --variant=minbase bookworm" if debian else "this machine's /usr (no network)"
    shutil.rmtree(layout, ignore_errors=True)
    bundle = cache / "bundle-build"
    shutil.rmtree(bundle, ignore_errors=True)
    image = f"{layout}:{TAG}"
    _sh("umoci", "init", "--layout", str(layout))
    _sh("umoci", "new", "--image", image)
    _sh("umoci", "unpack", "--image", image, str(bundle))
    fs = bundle / "rootfs"

    def repack(created_by: str) -> None:
        _sh(
            "umoci",
            "repack",
            "--refresh-bundle",
            "--image",
            image,
            "--history.created_by",
            created_by,
            str(bundle),
        )

    if debian:
        for name in sorted(os.listdir(rootfs)):
            _copy(str(rootfs / name), fs / name)
        for heavy in ("usr/share", "var/lib/apt/lists", "var/cache/apt"):
            shutil.rmtree(fs / heavy, ignore_errors=True)
        for node in (fs / "dev").iterdir():
            if node.is_dir() and not node.is_symlink():
                shutil.rmtree(node)
            else:
                node.unlink()
        repack("debootstrap --variant=minbase bookworm (without /usr/share)")
        _copy(str(rootfs / "usr/share"), fs / "usr/share")
        repack("COPY usr/share /usr/share")
        _copy(str(rootfs / "var/lib/apt/lists"), fs / "var/lib/apt/lists")
        _copy(str(rootfs / "var/cache/apt"), fs / "var/cache/apt")
    else:
        for src in ("/usr/bin", "/usr/lib/x86_64-linux-gnu", "/etc"):
            _copy(src, fs / src.lstrip("/"))
        repack("COPY host /usr/bin /usr/lib/x86_64-linux-gnu /etc")
        _copy("/usr/share", fs / "usr/share")
        repack("COPY /usr/share")
    _copy("/usr/lib/python3.11", fs / "usr/lib/python3.11")
    repack("RUN apt-get update && apt-get install -y python3")
    archives = fs / "var/cache/apt/archives"
    if archives.exists():
        for deb in archives.glob("*.deb"):
            deb.unlink()
    shutil.rmtree(fs / "usr/share/doc", ignore_errors=True)
    _copy("/usr/lib/python3/dist-packages", fs / "usr/lib/python3/dist-packages")
    repack("RUN apt-get clean && rm -rf /usr/share/doc && pip install ...")
    _sh("umoci", "gc", "--layout", str(layout))
    shutil.rmtree(bundle, ignore_errors=True)
    stamp.write_text(json.dumps({"origin": origin}))
    return layout, origin


_ANALYSE = r"""
import json, resource, sys, time
start = time.perf_counter()
from simulator.oci import read_layout
from simulator.model import Kind
[(image, tags)] = read_layout(sys.argv[1])
imported = time.perf_counter()
view = image.view
files = sum(1 for o in view.walk() if o.entry.kind is Kind.FILE)
layer_sizes = [layer.size for layer in image.layers]
wasted = 0  # bytes of files that upper layers hide (deleted or replaced): docker's wasted space
for number, layer in enumerate(image.layers):
    for path, entry in layer.entries.items():
        if entry.kind is Kind.FILE:
            origin = view.origin(path)
            if origin is None or origin.layer != number:
                wasted += entry.size
some = next(o for o in view.walk() if o.entry.kind is Kind.FILE and o.entry.size > 100_000)
assert len(image.read_file(some.path)) == some.entry.size
end = time.perf_counter()
print(json.dumps({
    "import_s": imported - start, "total_s": end - start,
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "paths": len(view), "files": files, "layers": len(image.layers), "layer_sizes": layer_sizes,
    "image_size": image.size, "view_size": view.size, "wasted": wasted,
}))
"""

_MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
print(json.dumps({"wall_s": wall, "rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr[-2000:],
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _measure(argv: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{result['stderr']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/layerlab-bench"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("umoci"):
        raise SystemExit("umoci is not installed: apt-get install umoci")
    layout, origin = build_image(args.cache)
    blob_bytes = sum(p.stat().st_size for p in (layout / "blobs/sha256").iterdir())
    umoci, ours = [], []
    info: dict = {}
    for _ in range(args.rounds):
        bundle = args.cache / "bundle-umoci"
        shutil.rmtree(bundle, ignore_errors=True)
        umoci.append(_measure(["umoci", "unpack", "--image", f"{layout}:{TAG}", str(bundle)]))
        shutil.rmtree(bundle, ignore_errors=True)
        run = _measure([sys.executable, "-c", _ANALYSE, str(layout)])
        info = json.loads(run["stdout"])
        run.update(info)
        ours.append(run)
    mb = 1 << 20
    print(f"image: {origin}; {info['layers']} layers, {info['paths']} paths ({info['files']} files),")
    print(
        f"       {info['image_size'] / mb:.0f} MB in layers, {info['view_size'] / mb:.0f} MB merged, "
        f"{info['wasted'] / mb:.0f} MB hidden by upper layers; {blob_bytes / mb:.0f} MB of gzip blobs"
    )
    print(f"       layer sizes (MB): {', '.join(f'{s / mb:.0f}' for s in info['layer_sizes'])}")
    print(f"\n{'':38}{'median s':>10}{'min s':>8}{'peak RSS MB':>13}")
    rows = [
        ("umoci unpack", [r["wall_s"] for r in umoci], max(r["maxrss_mb"] for r in umoci)),
        (
            "layerlab import+analysis (process)",
            [r["wall_s"] for r in ours],
            max(r["maxrss_mb"] for r in ours),
        ),
        ("  of which read_layout", [r["import_s"] for r in ours], None),
    ]
    for label, times, rss in rows:
        rss_text = f"{rss:13.0f}" if rss is not None else f"{'':13}"
        print(f"{label:38}{statistics.median(times):10.2f}{min(times):8.2f}{rss_text}")
    ratio = statistics.median(rows[1][1]) / statistics.median(rows[0][1])
    print(f"\nlayerlab / umoci time: {ratio:.2f}; layerlab peak memory {rows[1][2]:.0f} MB (budget 300 MB)")


if __name__ == "__main__":
    sys.path.insert(0, str(_ROOT))
    os.environ["PYTHONPATH"] = os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")])
    main()
