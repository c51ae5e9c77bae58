"""Instruction flags (``--chown=...``) and the Go value syntaxes they use.

After BuildKit's ``instructions/bflag.go``: each instruction declares its flags as ``bool``,
``string`` or ``strings`` (repeatable); an unknown, repeated or value-less flag is an error that
names the flag.  Also Go's ``time.ParseDuration`` and ``strconv.ParseInt`` for HEALTHCHECK.
Internal module.
"""

from __future__ import annotations

import difflib
import re

__all__ = [
    "FLAGS",
    "MOUNT_TYPES",
    "NETWORKS",
    "SECURITY_MODES",
    "FlagError",
    "parse_flags",
    "parse_go_duration",
    "parse_go_int",
]

# The flags each instruction accepts (bflag.go types); the others take none.
FLAGS: dict[str, dict[str, str]] = {
    "from": {"platform": "string"},
    "run": {"mount": "strings", "network": "string", "security": "string"},
    "copy": {
        "chown": "string",
        "from": "string",
        "chmod": "string",
        "link": "bool",
        "parents": "bool",
        "exclude": "strings",
    },
    "add": {
        "chown": "string",
        "chmod": "string",
        "link": "bool",
        "keep-git-dir": "bool",
        "checksum": "string",
        "unpack": "bool",
        "exclude": "strings",
    },
    "healthcheck": {
        "interval": "string",
        "timeout": "string",
        "start-period": "string",
        "start-interval": "string",
        "retries": "string",
    },
}
NETWORKS = ("default", "none", "host")
SECURITY_MODES = ("sandbox", "insecure")
MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")


class FlagError(ValueError):
    """A flag problem; ``flag`` is the flag as written (to place the caret)."""

    def __init__(self, message: str, flag: str, hint: str = "") -> None:
        super().__init__(message)
        self.flag = flag
        self.hint = hint


def parse_flags(flags: list[str], spec: dict[str, str]) -> dict[str, list[str]]:
    """Check raw ``--name[=value]`` words against ``spec`` (name → bool/string/strings).

    Returns:
        The values given, by flag name; a bool flag's value is ``"true"`` or ``"false"``.

    Raises:
        FlagError: an unknown flag, a flag given twice, a missing or non-boolean value.
    """
    used: dict[str, list[str]] = {}
    for raw in flags:
        if not raw.startswith("--"):
            raise FlagError(f"Arg should start with -- : {raw}", raw)
        if raw == "--":
            break
        name, eq, value = raw[2:].partition("=")
        kind = spec.get(name)
        if kind is None:
            close = difflib.get_close_matches(name, list(spec), n=1)
            if close:
                hint = f"did you mean --{close[0]}?"
            elif spec:
                hint = "this instruction takes " + ", ".join(f"--{f}" for f in spec)
            else:
                hint = "this instruction takes no flags"
            raise FlagError(f"Unknown flag: {name}", raw, hint)
        if name in used and kind != "strings":
            raise FlagError(f"Duplicate flag specified: {name}", raw)
        if kind == "bool":
            if eq and not value:
                raise FlagError(f"Missing a value on flag: {name}", raw, f"write --{name} or --{name}=true")
            lowered = value.lower()
            if lowered not in ("", "true", "false"):
                raise FlagError(f"Expecting boolean value for flag {name}, not: {value}", raw)
            used[name] = [lowered or "true"]
        else:
            if not eq:
                raise FlagError(f"Missing a value on flag: {name}", raw, f"write --{name}=<value>")
            used.setdefault(name, []).append(value)
    return used


_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,  # U+00B5 micro sign
    "μs": 1_000,  # U+03BC Greek mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]*)")
_MAX_NS = 2**63 - 1


def parse_go_duration(text: str) -> int:
    """Parse a Go duration (``1h30m``, ``1.5s``, ``300ms``) into nanoseconds.

    Raises:
        ValueError: with Go's message (``time: invalid duration "x"``).
    """
    quoted = '"' + text + '"'
    rest = text
    sign = 1
    if rest[:1] in ("-", "+"):
        sign = -1 if rest[0] == "-" else 1
        rest = rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise ValueError(f"time: invalid duration {quoted}")
    total = 0
    while rest:
        match = _PART.match(rest)
        assert match is not None  # the pattern matches the empty string
        whole, frac, unit = match.groups()
        if not whole and not frac:
            raise ValueError(f"time: invalid duration {quoted}")
        if not unit:
            raise ValueError(f"time: missing unit in duration {quoted}")
        if unit not in _UNITS:
            raise ValueError(f'time: unknown unit "{unit}" in duration {quoted}')
        scale = _UNITS[unit]
        total += int(whole or "0") * scale
        if frac:
            total += int(frac) * scale // 10 ** len(frac)
        if total > _MAX_NS:
            raise ValueError(f"time: invalid duration {quoted}")
        rest = rest[match.end() :]
    return sign * total


def parse_go_int(text: str) -> int:
    """``strconv.ParseInt(text, 10, 32)``.

    Raises:
        ValueError: with Go's message.
    """
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(f'strconv.ParseInt: parsing "{text}": invalid syntax')
    value = int(text)
    if not -(2**31) <= value < 2**31:
        raise ValueError(f'strconv.ParseInt: parsing "{text}": value out of range')
    return value
