"""Content addressing: the ``Digest`` type, canonical JSON bytes, sha256, ChainID.

The formulas are the OCI image spec's, used literally, so a digest shown by layerlab means the
same thing as one printed by skopeo or docker:

- DiffID  = sha256 of a layer's uncompressed tar;
- ChainID(L0) = DiffID(L0); ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln));
- ImageID = sha256 of the image config JSON bytes.

Examples:
    >>> sha256_digest(b"")
    'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    >>> chain_ids([EMPTY_TAR_DIFF_ID, EMPTY_TAR_DIFF_ID])[-1]
    'sha256:170b376f64fb30995c140276be3d71dfb256b308d86183ca3b22aa93a79ad548'
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, NewType

from .errors import NotCanonicalJSON

__all__ = [
    "EMPTY_TAR",
    "EMPTY_TAR_DIFF_ID",
    "Digest",
    "canonical_json",
    "chain_id",
    "chain_ids",
    "sha256_digest",
    "sha256_stream",
    "short_id",
]

Digest = NewType("Digest", str)
"""``"sha256:<64 hex>"``."""

EMPTY_TAR = b"\0" * 1024
"""The tar of an empty changeset: the two end-of-archive blocks, as Go's archive/tar writes it."""

EMPTY_TAR_DIFF_ID = Digest("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef")


def sha256_digest(data: bytes) -> Digest:
    """Digest of ``data`` as ``sha256:<hex>``."""
    return Digest("sha256:" + hashlib.sha256(data).hexdigest())


def sha256_stream(chunks: Iterable[bytes]) -> tuple[Digest, int]:
    """Digest and length of the concatenation of ``chunks``, without joining them."""
    h = hashlib.sha256()
    n = 0
    for chunk in chunks:
        h.update(chunk)
        n += len(chunk)
    return Digest("sha256:" + h.hexdigest()), n


def chain_ids(diff_ids: Sequence[Digest]) -> list[Digest]:
    """ChainID of every prefix of ``diff_ids`` (bottom layer first)."""
    out: list[Digest] = []
    for diff_id in diff_ids:
        out.append(diff_id if not out else sha256_digest(f"{out[-1]} {diff_id}".encode()))
    return out


def chain_id(diff_ids: Sequence[Digest]) -> Digest:
    """ChainID of the whole stack; ``""`` for no layers, as in image-spec's identity package."""
    ids = chain_ids(diff_ids)
    return ids[-1] if ids else Digest("")


_SURROGATE = re.compile("[\ud800-\udfff]")
_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def canonical_json(value: Any) -> bytes:
    """JSON bytes as Go's ``encoding/json`` writes them, with every object's keys sorted.

    Compact separators, UTF-8 kept as is, and ``<``, ``>``, ``&``, U+2028 and U+2029 escaped the
    way Go escapes them.  The same value always gives the same bytes, so its digest is stable.

    Raises:
        NotCanonicalJSON: a string holds a lone surrogate (no UTF-8 bytes exist for it) or the
            value nests deeper than Python can write; ``where`` names the place (``$.Env[2]``).
        TypeError: a value JSON has no type for (as :func:`json.dumps`).
    """
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except RecursionError:
        raise NotCanonicalJSON("the value nests too deep to be written as JSON") from None
    if any(c in text for c in _GO_ESCAPES):
        text = "".join(_GO_ESCAPES.get(c, c) for c in text)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        char = ord(e.object[e.start])
        raise NotCanonicalJSON(
            f"U+{char:04X} is a lone surrogate, which UTF-8 (and so an image config or a digest) cannot hold",
            where=_surrogate_path(value, "$") or "$",
        ) from None


def _surrogate_path(value: Any, where: str) -> str | None:
    """The JSON path of the first string (key or value) holding a lone surrogate."""
    stack = [(value, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return at
        elif isinstance(item, dict):
            for key in sorted(item, reverse=True):
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"{at} (key {key.encode('utf-8', 'backslashreplace').decode()})"
                stack.append((item[key], f"{at}.{key}"))
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{at}[{i}]") for i, v in reversed(list(enumerate(item))))
    return None


def short_id(digest: str) -> str:
    """The 12-character id Docker shows: drop up to the first ``:`` and keep 12 characters."""
    return digest.split(":", 1)[-1][:12]
