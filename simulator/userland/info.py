"""What the system says about itself: id, whoami, uname, date, du, nproc, hostname."""

from __future__ import annotations

import os
import posixpath
import time
from typing import Any

from simulator.userland import users
from simulator.userland._args import (
    group_entry,
    group_name,
    is_gnu,
    lstat_or_none,
    parse_options,
    passwd_entry,
)
from simulator.userland.registry import ExecContext, register


def _groups(ctx: ExecContext, user: str | None) -> list[int]:
    groups = [ctx.gid]
    if user:
        groups += [gid for gid in users.supplementary_groups(ctx.fs.read_file, user) if gid not in groups]
    return groups


@register("id")
def id_(ctx: ExecContext, argv: list[str]) -> int:
    parsed = parse_options(ctx, argv, "ugGnr")
    if parsed is None:
        return 1
    seen, _, operands = parsed
    uid, gid = ctx.uid, ctx.gid
    if operands:
        entry = passwd_entry(ctx.fs, operands[0])
        if entry is None:
            ctx.err(f"id: unknown user {operands[0]}\n")
            return 1
        uid, gid = int(entry[2]), int(entry[3])
    user_entry = passwd_entry(ctx.fs, str(uid))
    user = user_entry[0] if user_entry else None
    if "u" in seen:
        ctx.out((user or str(uid) if "n" in seen else str(uid)) + "\n")
        return 0
    if "g" in seen:
        ctx.out((group_name(ctx.fs, gid) if "n" in seen else str(gid)) + "\n")
        return 0
    groups = _groups(ExecContext(ctx.fs, uid=uid, gid=gid), user)
    if "G" in seen:
        ctx.out(" ".join(group_name(ctx.fs, g) if "n" in seen else str(g) for g in groups) + "\n")
        return 0

    def named(number: int, name: str | None) -> str:
        return f"{number}({name})" if name else str(number)

    primary = group_entry(ctx.fs, str(gid))
    text = f"uid={named(uid, user)} gid={named(gid, primary[0] if primary else None)}"
    text += " groups=" + ",".join(named(g, (group_entry(ctx.fs, str(g)) or [""])[0]) for g in groups)
    ctx.out(text + "\n")
    return 0


@register("whoami")
def whoami(ctx: ExecContext, argv: list[str]) -> int:
    entry = passwd_entry(ctx.fs, str(ctx.uid))
    if entry is None:
        ctx.err(f"whoami: unknown uid {ctx.uid}\n")
        return 1
    ctx.out(entry[0] + "\n")
    return 0


@register("uname")
def uname(ctx: ExecContext, argv: list[str]) -> int:
    seen = set("".join(a.lstrip("-") for a in argv[1:])) or {"s"}
    values = {
        "s": "Linux",
        "n": ctx.env.get("HOSTNAME", "layerlab"),
        "r": "6.1.0-layerlab",
        "v": "#1 SMP",
        "m": "x86_64",
        "o": "GNU/Linux",
    }
    order = "snrvmo" if "a" in seen else [c for c in "snrvmo" if c in seen]
    ctx.out(" ".join(values[c] for c in order) + "\n")
    return 0


# ---------------------------------------------------------------------------------- date
def _epoch(text: str) -> float | None:
    if text.startswith("@"):
        try:
            return float(text[1:])
        except ValueError:
            return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return float(time.mktime(time.strptime(text.rstrip("Z"), fmt)) - time.timezone)
        except ValueError:
            continue
    return None


@register("date")
def date(ctx: ExecContext, argv: list[str]) -> int:
    """``date [-u] [-d @N|YYYY-MM-DD[ HH:MM:SS]] [-I|-R] [+FORMAT]``, always in UTC (the containers have no TZ data)."""
    parsed = parse_options(
        ctx, argv, "uRI", "dr", {"utc": "u", "date": "d", "rfc-email": "R", "iso-8601": "I", "reference": "r"}
    )
    if parsed is None:
        return 1
    seen, values, operands = parsed
    when = time.time()
    if "d" in values:
        found = _epoch(values["d"])
        if found is None:
            ctx.err(f"date: invalid date '{values['d']}'\n")
            return 1
        when = found
    stamp = time.gmtime(when)
    fmt = "%a %b %e %H:%M:%S UTC %Y"
    if "R" in seen:
        fmt = "%a, %d %b %Y %H:%M:%S +0000"
    elif "I" in seen:
        fmt = "%Y-%m-%d"
    if operands:
        if not operands[0].startswith("+"):
            ctx.err("date: setting the date is not possible in layerlab\n")
            return 1
        fmt = operands[0][1:]
    fmt = fmt.replace("%s", str(int(when))).replace("%N", f"{int(when % 1 * 1e9):09d}").replace("%Z", "UTC")
    fmt = (
        fmt.replace("%z", "+0000").replace("%:z", "+00:00").replace("%P", time.strftime("%p", stamp).lower())
    )
    ctx.out(time.strftime(fmt, stamp) + "\n")
    return 0


def _blocks(entry: Any) -> int:
    """Disk usage in KiB as on ext4: files in 4 KiB blocks, a directory one block, links none;
    a sparse file's holes take no block (``truncate -s 1T f; du f`` shows 0)."""
    if entry.is_symlink:
        return 0
    if entry.is_dir:
        return 4
    return -(-getattr(entry, "allocated", entry.size) // 4096) * 4


def _human(kib: int) -> str:
    value = float(kib)
    for unit in "KMGT":
        if value < 1024 or unit == "T":
            if unit == "K":
                return (
                    f"{int(value)}.0K"
                    if value < 10 and value != int(value)
                    else f"{int(value)}K"
                    if value
                    else "0"
                )
            return f"{value:.1f}{unit}" if value < 10 else f"{round(value)}{unit}"
        value /= 1024
    return str(kib)


@register("du")
def du(ctx: ExecContext, argv: list[str]) -> int:
    gnu = is_gnu(ctx, argv)
    parsed = parse_options(
        ctx,
        argv,
        "sahkmcxLHl",
        "d",
        {"summarize": "s", "all": "a", "human-readable": "h", "max-depth": "d", "total": "c"},
    )
    if parsed is None:
        return 1
    seen, values, operands = parsed
    maxdepth = 0 if "s" in seen else int(values.get("d", 1 << 30))

    def shown(kib: int) -> str:
        if "h" in seen:
            return _human(kib)
        if "m" in seen:
            return str(-(-kib // 1024))
        return str(kib)

    status = 0
    total = 0
    for operand in operands or ["."]:
        base = ctx.abspath(operand)
        entry = lstat_or_none(ctx, operand)
        if entry is None:
            ctx.err(
                f"du: cannot access '{operand}': No such file or directory\n"
                if gnu
                else f"du: {operand}: No such file or directory\n"
            )
            status = 1
            continue
        sizes: dict[str, int] = {base: _blocks(entry)}
        order: list[tuple[str, bool]] = []
        if entry.is_dir:
            for path, child in ctx.fs.walk(base):
                sizes[path] = _blocks(child)
                order.append((path, child.is_dir))
        # directories accumulate their subtree, deepest first
        for path, _ in sorted(order, key=lambda item: -item[0].count("/")):
            parent = posixpath.dirname(path)
            if parent in sizes and path != base:
                sizes[parent] += sizes[path]
        lines = []
        for path, is_dir in order:
            depth = path[len(base) :].strip("/").count("/") + 1
            if depth <= maxdepth and (is_dir or "a" in seen):
                lines.append((path, sizes[path]))
        lines.sort(key=lambda item: -item[0].count("/"))
        for path, kib in lines:
            ctx.out(f"{shown(kib)}\t{operand.rstrip('/') + path[len(base.rstrip('/')) :]}\n")
        ctx.out(f"{shown(sizes[base])}\t{operand}\n")
        total += sizes[base]
    if "c" in seen:
        ctx.out(f"{shown(total)}\ttotal\n")
    return status


# ---------------------------------------------------------------------------------- system
@register("nproc")
def nproc(ctx: ExecContext, argv: list[str]) -> int:
    """The host's CPU count, as in a container without a CPU limit."""
    ctx.out(f"{os.cpu_count() or 1}\n")
    return 0


@register("hostname")
def hostname(ctx: ExecContext, argv: list[str]) -> int:
    """``$HOSTNAME`` (``docker run --hostname``), else ``layerlab`` -- the name ``uname -n`` prints."""
    if len(argv) > 1 and not argv[1].startswith("-"):
        ctx.err("hostname: sethostname: Operation not permitted\n")
        return 1
    ctx.out(ctx.env.get("HOSTNAME", "layerlab") + "\n")
    return 0
