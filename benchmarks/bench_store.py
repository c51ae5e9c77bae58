"""Speed of the store on disk: opening a store with 1,000 images and 10,000 containers.

Run: ``.venv/bin/python benchmarks/bench_store.py [--quick]``.  Prints a table of measured figures
next to the goals; nothing here is a test, so a slow machine never fails CI.

Goal (issue 16): ``Engine.open(root)`` of a store with 1,000 images and 10,000 containers in
under 1 s.  Opening reads rows only; an image or a container is built when first looked at, so
the table also shows the first look-ups.  Also: one operation (``images.tag``: a transaction with
its fsync) and a write from Python into a container (saving its writable layer), each on disk.
The store is filled in one big transaction (the bench's set-up, not a user's path).
``--quick``: 100 images, 1,000 containers.

Registries in the store: pushing images to the store's registry (one transaction per request)
against an in-memory registry, and a new registry object (a new process's view) opening it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import Engine, Entry, Image, Layer
from simulator.text import table


def fill(root: str, images: int, containers: int) -> float:
    start = time.perf_counter()
    engine = Engine(root=root)
    base = Layer.of(
        {f"/usr/share/f{i:03d}": Entry.file(b"x" * 100) for i in range(200)}, created_by="ADD base"
    )
    assert engine._persist is not None
    with engine._persist.operation():  # one transaction for the set-up
        for n in range(images):
            app = Layer.of({"/app": Entry.directory(), f"/app/v{n}": Entry.file(f"{n}\n".encode())})
            engine.images.add(Image.of([base, app]), f"app{n}:1")
        for n in range(containers):
            engine.containers.create(f"app{n % images}:1", name=f"c{n}")
    engine.close()
    return time.perf_counter() - start


def timed(fn: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()  # type: ignore[operator]
    return time.perf_counter() - start, result


def main() -> None:
    quick = "--quick" in sys.argv
    n_images, n_containers = (100, 1000) if quick else (1000, 10000)
    root = tempfile.mkdtemp(prefix="bench-store-")
    setup = fill(root, n_images, n_containers)
    rows = [["fill (one transaction, set-up)", f"{setup:.2f} s", ""]]
    t_open, engine = timed(lambda: Engine.open(root))
    assert isinstance(engine, Engine)
    rows.append(
        [f"Engine.open: {n_images} images, {n_containers} containers", f"{t_open * 1000:.0f} ms", "< 1 s"]
    )
    t, _ = timed(lambda: engine.images.get("app7:1"))
    rows.append(["first images.get (config + 2 layer tars read)", f"{t * 1000:.1f} ms", ""])
    t, _ = timed(lambda: engine.containers.get("c7").read_file("/app/v7"))
    rows.append(["first containers.get + read_file", f"{t * 1000:.1f} ms", ""])
    t, _ = timed(lambda: engine.images.tag("app7:1", "again:1"))
    rows.append(["images.tag (one operation: lock, transaction, fsync)", f"{t * 1000:.1f} ms", ""])
    c = engine.containers.get("c7")
    t, _ = timed(lambda: c.write_file("/app/new", b"1"))
    rows.append(["container write_file (saves its writable layer)", f"{t * 1000:.1f} ms", ""])
    t, _ = timed(lambda: engine.images.list())
    rows.append([f"images.list (builds all {n_images} images)", f"{t * 1000:.0f} ms", ""])
    t, report = timed(lambda: engine.fsck())
    rows.append([f"fsck ({report})".splitlines()[0], f"{t * 1000:.0f} ms", ""])
    rows += registry_rows(20 if quick else 100)
    print(table(["WHAT", "MEASURED", "GOAL"], rows))


def registry_rows(n: int) -> list[list[str]]:
    from simulator.engine.persist import open_registry
    from simulator.registry import Registry

    engine = Engine(root=tempfile.mkdtemp(prefix="bench-registry-"))
    base = engine.images.pull("alpine:3.20")
    for i in range(n):
        layer = Layer.of({f"/app{i}": Entry.file(f"{i}\n".encode())})
        engine.images.add(Image.of([*base.layers, layer]), f"app{i}:1")
    rows = []
    for what, reg in (("in memory", Registry()), ("in the store", open_registry(engine))):
        t, _ = timed(lambda reg=reg: [engine.images.push(f"app{i}:1", reg, quiet=True) for i in range(n)])
        rows.append([f"push {n} images (2 layers, 1 shared) to a registry {what}", f"{t * 1000:.0f} ms", ""])
    assert engine.root is not None
    t, reg = timed(lambda: open_registry(engine.root))  # another store object, as a new process
    rows.append([f"open the store's registry ({n} manifests)", f"{t * 1000:.1f} ms", ""])
    t, _ = timed(lambda: Engine().images.pull("app7:1", reg, quiet=True))
    rows.append(["pull one image from it into a new engine", f"{t * 1000:.1f} ms", ""])
    return rows


if __name__ == "__main__":
    main()
