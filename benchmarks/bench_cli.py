"""``layerlab analyze`` of real and large images against ``umoci unpack`` of the same image.

    python benchmarks/bench_cli.py [--cache DIR] [--rounds N] [--skip-debian] [--skip-synthetic]

Two images, cached under ``--cache`` (default ``/tmp/layerlab-bench``; never committed):

- the 4-layer Debian image of ``bench_oci.py`` (built by it the first time);
- a synthetic one of 1 GB in 100,000 files over 4 layers (10,000-byte files whose content is
  generated from the path, so nothing large is held while writing it), with replaced and
  deleted files so that the analysis has wasted bytes to explain.  Written once with
  :func:`simulator.oci.write_layout`.

Each round, alternating, page cache warm for both: ``umoci unpack`` into a fresh bundle, and a
fresh ``layerlab analyze --json LAYOUT`` process (import, both efficiency measures, the
per-layer A/M/D changes, the JSON written to /dev/null).  Peak memory is the child's
``ru_maxrss``.  Goals: faster than ``umoci unpack``; under 300 MB for the 1 GB image.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_oci  # noqa: E402 - the Debian image and the child-process measurement

TAG = "bench"
FILES = 100_000
FILE_SIZE = 10_000  # 100,000 x 10,000 B = 1 GB


def build_synthetic(cache: Path) -> Path:
    """The 1 GB / 100k-file layout (made once)."""
    from simulator.distro.synthetic import synthetic_entry
    from simulator.model import Entry, Image, Layer
    from simulator.oci import write_layout

    layout = cache / "synthetic-1g"
    if (layout / "index.json").exists():
        return layout
    shutil.rmtree(layout, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)

    def files(first: int, last: int, version: str = "") -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        for i in range(first, last):
            d = f"/data/d{i // 1000:03d}"
            out.setdefault("/data", Entry.directory())
            out.setdefault(d, Entry.directory())
            out[f"{d}/f{i:06d}"] = synthetic_entry(f"{d}/f{i:06d}{version}", FILE_SIZE)
        return out

    per_layer = FILES // 4
    layers = [
        Layer.of(files(0, per_layer), created_by="ADD base /"),
        Layer.of(files(per_layer, 2 * per_layer), created_by="COPY data /data"),
        # replaces 5,000 files of layer 0 and deletes 5,000 of layer 1: 100 MB wasted
        Layer.of(
            {
                **files(2 * per_layer, 3 * per_layer - 5_000),
                **files(0, 5_000, version="-v2"),
                **{
                    f"/data/d{i // 1000:03d}/f{i:06d}": Entry.whiteout()
                    for i in range(per_layer, per_layer + 5_000)
                },
            },
            created_by="RUN update",
        ),
        Layer.of(files(3 * per_layer - 5_000, FILES), created_by="RUN more"),
    ]
    write_layout(Image.of(layers), layout, [f"synthetic:{TAG}"], tar=False)
    return layout


def _bench(
    label: str, layout: Path, ref: str, cache: Path, rounds: int
) -> list[tuple[str, list[float], float]]:
    umoci, ours = [], []
    out_json: dict = {}
    for _ in range(rounds):
        bundle = cache / "bundle-umoci"
        shutil.rmtree(bundle, ignore_errors=True)
        umoci.append(bench_oci._measure(["umoci", "unpack", "--image", f"{layout}:{ref}", str(bundle)]))
        shutil.rmtree(bundle, ignore_errors=True)
        run = bench_oci._measure([sys.executable, "-m", "simulator.cli", "analyze", "--json", str(layout)])
        out_json = json.loads(run["stdout"])
        ours.append(run)
    mb = 1 << 20
    eff = out_json["efficiency"]
    print(
        f"\n{label}: {len(out_json['layers'])} layers, {out_json['image']['sizeBytes'] / mb:.0f} MB shipped, "
        f"{eff['wastedBytes'] / mb:.0f} MB wasted ({len(eff['paths'])} paths); "
        f"dive: {out_json['dive']['inefficientBytes'] / mb:.0f} MB, efficiency {out_json['dive']['efficiencyScore']:.4f}"
    )
    return [
        ("umoci unpack", [r["wall_s"] for r in umoci], max(r["maxrss_mb"] for r in umoci)),
        ("layerlab analyze --json", [r["wall_s"] for r in ours], max(r["maxrss_mb"] for r in ours)),
    ]


def _table(rows: list[tuple[str, list[float], float]]) -> None:
    print(f"{'':30}{'median s':>10}{'min s':>8}{'peak RSS MB':>13}")
    for name, times, rss in rows:
        print(f"{name:30}{statistics.median(times):10.2f}{min(times):8.2f}{rss:13.0f}")
    ratio = statistics.median(rows[1][1]) / statistics.median(rows[0][1])
    print(f"layerlab / umoci time: {ratio:.2f}; layerlab peak memory {rows[1][2]:.0f} MB (budget 300 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/layerlab-bench"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-debian", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args()
    if not shutil.which("umoci"):
        raise SystemExit("umoci is not installed: apt-get install umoci")
    if not args.skip_debian:
        layout, origin = bench_oci.build_image(args.cache)
        print(f"Debian image: {origin}")
        _table(_bench("debian", layout, bench_oci.TAG, args.cache, args.rounds))
    if not args.skip_synthetic:
        layout = build_synthetic(args.cache)
        _table(_bench("synthetic 1 GB / 100k files", layout, TAG, args.cache, args.rounds))


if __name__ == "__main__":
    os.environ["PYTHONPATH"] = os.pathsep.join([str(_ROOT), os.environ.get("PYTHONPATH", "")])
    main()
