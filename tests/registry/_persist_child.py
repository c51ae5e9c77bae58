"""A child process for the persistent-registry tests (``python -m registry._persist_child ...``).

``push ROOT``: an engine on ROOT pulls alpine:3.20 from the library and pushes it (and a second
tag) to the store's registry; prints each request the registry completed, one per line.
``pull ROOT``: a fresh in-memory engine pulls both tags from the store's registry; prints image IDs.
``push-as ROOT NAME N``: N images (alpine plus one file each) pushed as NAME/app:0..N-1.
``pull-into ROOT DEST``: an engine on DEST pulls the pushed image from ROOT's registry, tags it
``pulled:1``; prints ``pulled`` and the image ID.
Crash points come from ``LAYERLAB_STORE_CRASH`` (simulator/store/_crash.py).
"""

from __future__ import annotations

import sys
from typing import Any

from simulator import Engine
from simulator.engine.persist import open_registry
from simulator.registry import Registry

REPO = "lesson/alpine"


def _logged(reg: Registry) -> None:
    """Print every request once the registry answered it (its change committed)."""
    handle = reg.handle

    def logged(method: str, target: str, *args: Any, **kwargs: Any) -> Any:
        response = handle(method, target, *args, **kwargs)
        print(
            method,
            target.split("?", 1)[0],
            target.partition("digest=")[2].split("&")[0],
            response.status,
            flush=True,
        )
        return response

    reg.handle = logged  # type: ignore[method-assign]


def main(what: str, root: str, dest: str = "", *rest: str) -> None:
    if what == "push":
        engine = Engine.open(root)
        reg = open_registry(engine)
        _logged(reg)
        image = engine.images.pull("alpine:3.20")
        engine.images.tag(image, f"{REPO}:1")
        engine.images.tag(engine.images.pull("busybox:1.36"), f"{REPO}:2")
        engine.images.push(f"{REPO}:1", reg, quiet=True)
        print("pushed 1", flush=True)
        engine.images.push(f"{REPO}:2", reg, quiet=True)
        print("pushed 2", flush=True)
    elif what == "push-as":
        from simulator import Entry, Image, Layer

        engine = Engine.open(root)
        reg = open_registry(engine)
        base = engine.images.pull("alpine:3.20")
        for i in range(int(rest[0])):
            mine = Layer.of({f"/{dest}-{i}": Entry.file(f"{dest} {i}\n".encode())})
            engine.images.add(Image.of([*base.layers, mine]), f"{dest}/app:{i}")
            engine.images.push(f"{dest}/app:{i}", reg, quiet=True)
            print("pushed", i, flush=True)
    elif what == "pull":
        engine = Engine()
        reg = open_registry(root)
        for tag in ("1", "2"):
            print(tag, engine.images.pull(f"{REPO}:{tag}", reg, quiet=True).id, flush=True)
    else:
        engine = Engine.open(dest)
        image = engine.images.pull(f"{REPO}:1", open_registry(root), quiet=True)
        engine.images.tag(image, "pulled:1")
        print("pulled", image.id, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
