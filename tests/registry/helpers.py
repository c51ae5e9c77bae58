"""Small images and request-log shapes shared by the registry tests."""

from __future__ import annotations

import re

from simulator.model import Entry, HistoryEntry, Image, Layer


def layer(name: str, content: bytes | None = None) -> Layer:
    return Layer.of(
        {f"/{name}.txt": Entry.file(content if content is not None else name.encode() * 50)},
        created_by=f"COPY {name}.txt /",
    )


def image(*names: str, architecture: str = "amd64") -> Image:
    """An image with one small layer per name, bottom first."""
    img = Image.of([], architecture=architecture)
    for name in names:
        img = img.with_layer(layer(name), HistoryEntry(f"COPY {name}.txt /"))
    return img


_UUID = re.compile(r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DIGEST = re.compile(r"sha256(:|%3A)[0-9a-f]{64}")


def shape(method: str, path: str) -> str:
    """``PATCH /v2/web/blobs/uploads/<uuid>``: a request with its variable parts named."""
    path = path.split("?", 1)[0]
    return f"{method} {_DIGEST.sub('<digest>', _UUID.sub('/<uuid>', path))}"
