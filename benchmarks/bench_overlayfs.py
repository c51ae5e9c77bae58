"""Benchmarks of the overlayfs backend.

1. Materialise and mount a 10-layer image of 20,000 files (cold cache): target at most 2 s.
2. Operations per second on a real mount and on the model, for the same sequence, side by side.

Run: ``.venv/bin/python benchmarks/bench_overlayfs.py [STATE-PARENT]`` (Linux, root or
fuse-overlayfs); ``STATE-PARENT`` defaults to the temp directory (``/dev/shm`` for tmpfs).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.backends import OverlayBackend, availability
from simulator.model import Container, Entry, Image, Layer

LAYERS, FILES = 10, 20_000


def big_image() -> Image:
    per_layer = FILES // LAYERS
    layers = []
    for n in range(LAYERS):
        entries: dict[str, Entry] = {"/usr": Entry.directory(), f"/usr/l{n}": Entry.directory()}
        for i in range(per_layer):
            d = f"/usr/l{n}/d{i // 100}"
            entries.setdefault(d, Entry.directory())
            entries[f"{d}/f{i}"] = Entry.file(f"layer {n} file {i}\n".encode())
        layers.append(Layer.of(entries, created_by=f"layer {n}"))
    return Image.of(layers)


def sequence(c: Container) -> int:
    """A mixed workload; returns the number of operations."""
    count = 0
    for i in range(200):
        c.write_file(f"/usr/l{i % LAYERS}/d0/f{i % 100 + (i % LAYERS) * 0}", b"changed")
        c.append_file(f"/tmp/log{i % 10}", b"line\n")
        c.chmod(f"/usr/l{i % LAYERS}/d1/f{100 + i % 100}", 0o600)
        c.stat(f"/usr/l{(i + 3) % LAYERS}/d2/f{200 + i % 100}")
        c.read_file(f"/usr/l{(i + 5) % LAYERS}/d3/f{300 + i % 100}")
        c.mkdir(f"/tmp/dir{i}")
        c.symlink("/usr", f"/tmp/dir{i}/link")
        c.rename(f"/tmp/dir{i}/link", f"/tmp/dir{i}/moved")
        c.unlink(f"/usr/l{i % LAYERS}/d4/f{400 + i % 100}") if c.exists(
            f"/usr/l{i % LAYERS}/d4/f{400 + i % 100}"
        ) else None
        count += 10
    return count


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> int:
    base = sys.argv[1] if len(sys.argv) > 1 else None  # e.g. /dev/shm: a tmpfs state directory
    state = tempfile.mkdtemp(prefix="layerlab-bench-", dir=base)
    print(f"state directory: {state}")
    found = availability(state)
    if not found.ok:
        print(f"skipped: {found.reason}")
        return 0
    image = big_image()
    image = image.with_layer(Layer.of({"/tmp": Entry.directory(0o1777)}), image.history[-1])
    for layer in image.layers:  # compute DiffIDs first: they are the model's cost, not the backend's
        _ = layer.diff_id
    with OverlayBackend.create(state) as backend:
        cold, c = timed(lambda: backend.new_container(image))
        print(
            f"materialise + mount, {LAYERS} layers / {FILES} files (cold): {cold:.2f} s "
            f"({'OK' if cold <= 2 else 'over'} the 2 s target)"
        )
        warm, c2 = timed(lambda: backend.new_container(image))
        print(f"mount again (layers cached):                          {warm * 1000:.1f} ms")
        c2.close()  # type: ignore[attr-defined]
        model = Container(image)
        t_real, n = timed(lambda: sequence(c))  # type: ignore[arg-type]
        t_model, _ = timed(lambda: sequence(model))
        t_diff_real, _ = timed(lambda: c.diff())  # type: ignore[attr-defined]
        t_diff_model, _ = timed(lambda: model.diff())
        print(f"\n{'':28}{'real mount':>14}{'model':>14}")
        print(f"{'operations per second':28}{n / t_real:>14,.0f}{n / t_model:>14,.0f}")
        print(
            f"{'diff() after the sequence':28}{t_diff_real * 1000:>11.1f} ms{t_diff_model * 1000:>11.1f} ms"
        )
        c.close()  # type: ignore[attr-defined]
    import shutil

    shutil.rmtree(state, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
