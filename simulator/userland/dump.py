"""Dumping bytes: ``od`` (busybox's), reading its input in pieces (``head -c 5 /dev/zero | od -c``).

Formats and layout are busybox 1.35's, checked on this machine: 16 bytes a line, the offset in
7 octal digits (``-A d|o|x|n``), a repeated line shown once then ``*``, and the final offset.
"""

from __future__ import annotations

from collections.abc import Iterator

from simulator.userland._args import parse_options, stream_inputs
from simulator.userland.registry import ExecContext, register

_ESCAPES = {0: "\\0", 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}

# type letter + size -> (bytes per item, width of an item, formatter)
_FORMATS = {
    "c": (1, 4, None),
    "o1": (1, 4, lambda v: f"{v:03o}"),
    "x1": (1, 3, lambda v: f"{v:02x}"),
    "u1": (1, 4, lambda v: f"{v:3d}"),
    "d1": (1, 5, lambda v: f"{v - 256 if v > 127 else v:4d}"),
    "o2": (2, 7, lambda v: f"{v:06o}"),
    "x2": (2, 5, lambda v: f"{v:04x}"),
    "u2": (2, 6, lambda v: f"{v:5d}"),
    "d2": (2, 7, lambda v: f"{v - 65536 if v > 32767 else v:6d}"),
}
_LETTERS = {"c": "c", "b": "o1", "o": "o2", "x": "x2", "d": "u2"}


def _char(byte: int) -> str:
    if byte in _ESCAPES:
        return _ESCAPES[byte]
    if 32 <= byte < 127:
        return chr(byte)
    return f"{byte:03o}"


def _line(data: bytes, fmt: str) -> str:
    size, width, formatter = _FORMATS[fmt]
    if formatter is None:
        return "".join(_char(b).rjust(width) for b in data)
    padded = data + bytes(-len(data) % size)
    values = [int.from_bytes(padded[i : i + size], "little") for i in range(0, len(padded), size)]
    return "".join(formatter(v).rjust(width) for v in values)


def _pieces(chunks: Iterator[Iterator[bytes]]) -> Iterator[bytes]:
    """16-byte lines across every input, as one stream."""
    pending = b""
    for source in chunks:
        for piece in source:
            pending += piece
            while len(pending) >= 16:
                yield pending[:16]
                pending = pending[16:]
    if pending:
        yield pending


@register("od")
def od(ctx: ExecContext, argv: list[str]) -> int:
    """``od [-bcdox] [-A d|o|x|n] [-t TYPE] [FILE...]``."""
    parsed = parse_options(ctx, argv, "bcdoxv", "At")
    if parsed is None:
        return 1
    seen, values, operands = parsed
    radix = values.get("A", "o")
    if radix not in ("d", "o", "x", "n"):
        ctx.err(f"od: bad address radix '{radix}'\n")
        return 1
    kind = values.get("t")
    if kind is not None:
        fmt = kind if kind in _FORMATS else {"c": "c", "x": "x2", "o": "o2", "d": "d2", "u": "u2"}.get(kind)
        if fmt is None:
            ctx.err(f"od: invalid type string '{kind}'\n")
            return 1
    else:
        fmt = next((_LETTERS[c] for c in "cbxdo" if c in seen), "o2")
    status = 0
    sources: list[Iterator[bytes]] = []
    for _, chunks in stream_inputs(ctx, "od", operands):
        if chunks is None:
            status = 1
        else:
            sources.append(chunks)

    def offset(n: int) -> str:
        return {"d": f"{n:07d}", "o": f"{n:07o}", "x": f"{n:06x}", "n": ""}[radix]

    position = 0
    previous: bytes | None = None
    starred = False
    for data in _pieces(iter(sources)):
        if data == previous and "v" not in seen and len(data) == 16:
            if not starred:
                ctx.out("*\n")
                starred = True
        else:
            starred = False
            ctx.out(f"{offset(position)}{_line(data, fmt)}\n")
        previous = data
        position += len(data)
        ctx.budget.tick()
    if radix != "n":
        ctx.out(offset(position) + "\n")
    return status
