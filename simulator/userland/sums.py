"""Checksums: md5sum, sha1sum, sha256sum, sha512sum (and -c)."""

from __future__ import annotations

import hashlib
import re

from simulator.userland._args import (
    is_gnu,
    open_input,
    parse_options,
    prog_name,
    read_input,
    strerror,
)
from simulator.userland.registry import ExecContext, register


# ---------------------------------------------------------------------------------- checksums
@register("sha256sum", "md5sum", "sha1sum", "sha512sum")
def checksum(ctx: ExecContext, argv: list[str]) -> int:
    cmd = prog_name(argv)
    gnu = is_gnu(ctx, argv)
    algorithm = cmd[:-3]
    parsed = parse_options(
        ctx, argv, "cswbtz", "", {"check": "c", "status": "s", "quiet": "q", "strict": "S"}
    )
    if parsed is None:
        return 1
    seen, _, operands = parsed
    if "c" not in seen:
        status = 0
        for operand in operands or ["-"]:
            try:
                chunks = open_input(ctx, operand)
                h = hashlib.new(algorithm)
                for piece in chunks:  # in pieces: a sparse file is never made whole
                    h.update(piece)
            except (OSError, ValueError) as exc:
                ctx.err(
                    f"{cmd}: {operand}: {strerror(exc)}\n"
                    if gnu
                    else f"{cmd}: can't open '{operand}': {strerror(exc)}\n"
                )
                status = 1
                continue
            ctx.out(f"{h.hexdigest()}  {operand}\n")
        return status
    failed = bad_lines = checked = 0
    status = 0
    length = hashlib.new(algorithm).digest_size * 2
    for source, text in _inputs_quiet(ctx, cmd, operands, gnu):
        if text is None:
            status = 1
            continue
        for line in text.decode("utf-8", "surrogateescape").splitlines():
            m = re.fullmatch(r"([0-9a-fA-F]+) [ *](.+)", line)
            if not m or len(m.group(1)) != length:
                bad_lines += 1
                continue
            expected, name = m.groups()
            checked += 1
            try:
                data = read_input(ctx, name)
            except (OSError, ValueError) as exc:
                ctx.err(
                    f"{cmd}: {name}: {strerror(exc)}\n"
                    if gnu
                    else f"{cmd}: can't open '{name}': {strerror(exc)}\n"
                )
                ctx.out(f"{name}: FAILED open or read\n")
                failed += 1
                continue
            ok = hashlib.new(algorithm, data).hexdigest() == expected.lower()
            if not ok:
                failed += 1
            if "s" not in seen:
                ctx.out(f"{name}: {'OK' if ok else 'FAILED'}\n")
        if gnu and not checked:
            shown = "standard input" if source == "-" else source
            ctx.err(
                f"{cmd}: '{shown}': no properly formatted checksum lines found\n"
                if source == "-"
                else f"{cmd}: {shown}: no properly formatted checksum lines found\n"
            )
            return 1
    if failed:
        if gnu:
            ctx.err(f"{cmd}: WARNING: {failed} computed checksum{'s' if failed > 1 else ''} did NOT match\n")
        else:
            ctx.err(f"{cmd}: WARNING: {failed} of {checked} computed checksums did NOT match\n")
        return 1
    if not gnu and not checked and bad_lines:
        return 1
    return status


def _inputs_quiet(
    ctx: ExecContext, cmd: str, operands: list[str], gnu: bool
) -> list[tuple[str, bytes | None]]:
    out: list[tuple[str, bytes | None]] = []
    for operand in operands or ["-"]:
        try:
            out.append((operand, read_input(ctx, operand)))
        except (OSError, ValueError) as exc:
            ctx.err(
                f"{cmd}: {operand}: {strerror(exc)}\n"
                if gnu
                else f"{cmd}: can't open '{operand}': {strerror(exc)}\n"
            )
            out.append((operand, None))
    return out
