"""Metadata steps: how each config-only instruction changes the image config.

``CONFIG_UPDATES[type(instr)]`` is a function of the current :class:`ImageConfig`, the
instruction (after the builder's variable expansion) and what the stage did before; it returns
a :class:`ConfigUpdate`: the new config and the text of the ``empty_layer`` history entry
(BuildKit's ``created_by``), or ``None`` for an instruction that records none (``ONBUILD``).
The functions are pure; an invalid value raises :class:`InvalidInstruction`, which the builder
reports with the Dockerfile's line.

``ARG`` (which reads the build arguments), ``WORKDIR`` and the layer steps (``RUN``, ``COPY``,
``ADD``) are not here: they need the builder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from simulator.dockerfile import instructions as ins
from simulator.model.image import ImageConfig

__all__ = [
    "CONFIG_UPDATES",
    "DEFAULT_SHELL",
    "ConfigUpdate",
    "InvalidInstruction",
    "go_quote_list",
    "with_shell",
]

DEFAULT_SHELL = ("/bin/sh", "-c")


@dataclass(frozen=True, slots=True)
class ConfigUpdate:
    """What a metadata step makes: the new config and its history text."""

    config: ImageConfig
    created_by: str | None  # None: no history entry at all (ONBUILD)
    sets_cmd: bool = False  # a CMD: a later ENTRYPOINT of the stage keeps it


class InvalidInstruction(ValueError):
    """A metadata instruction with a value BuildKit refuses (the message is BuildKit's)."""


def go_quote_list(items: tuple[str, ...] | list[str]) -> str:
    """Go's ``%q`` of a ``[]string``: ``["a" "b c"]``."""
    return "[" + " ".join(json.dumps(i, ensure_ascii=False) for i in items) + "]"


def go_duration(ns: int) -> str:
    """Go's ``time.Duration.String()``: ``30s``, ``1m30s``, ``1h0m0s``, ``1.5s``, ``500ms``, ``0s``."""
    sign, ns = ("-", -ns) if ns < 0 else ("", ns)
    if ns == 0:
        return "0s"
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                whole, frac = divmod(ns, size)
                digits = f"{frac:0{len(str(size)) - 1}d}".rstrip("0") if size > 1 else ""
                return f"{sign}{whole}{'.' + digits if digits else ''}{unit}"
    seconds, frac = divmod(ns, 1_000_000_000)
    digits = f"{frac:09d}".rstrip("0")
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = f"{seconds}{'.' + digits if digits else ''}s"
    if hours or minutes:
        text = f"{minutes}m{text}"
    if hours:
        text = f"{hours}h{text}"
    return sign + text


_RUNE_ESCAPES = {
    7: "\\a",
    8: "\\b",
    9: "\\t",
    10: "\\n",
    11: "\\v",
    12: "\\f",
    13: "\\r",
    39: "\\'",
    92: "\\\\",
}


def go_quote_rune(n: int) -> str:
    """Go's ``%q`` of an integer: a quoted character literal (``'\\x00'``, ``'\\x03'``, ``'0'``)."""
    if n in _RUNE_ESCAPES:
        return f"'{_RUNE_ESCAPES[n]}'"
    if 0x20 <= n < 0x7F or (n > 0xA0 and chr(n).isprintable()):
        return f"'{chr(n)}'"
    return f"'\\x{n:02x}'" if n < 0x80 else f"'\\u{n:04x}'" if n <= 0xFFFF else f"'\\U{n:08x}'"


def with_shell(config: ImageConfig, command: tuple[str, ...], prepend: bool) -> tuple[str, ...]:
    """The argv of a shell-form command (``SHELL``, else ``/bin/sh -c``); exec form unchanged."""
    if not prepend:
        return tuple(command)
    return (*(config.shell or DEFAULT_SHELL), " ".join(command))


def _env(config: ImageConfig, instr: ins.Env, cmd_set: bool) -> ConfigUpdate:
    for key, value in instr.pairs:
        config = config.with_env(key, value)
    return ConfigUpdate(config, "ENV " + " ".join(f"{k}={v}" for k, v in instr.pairs))


def _label(config: ImageConfig, instr: ins.Label, cmd_set: bool) -> ConfigUpdate:
    labels = dict(config.labels) | dict(instr.pairs)
    return ConfigUpdate(
        replace(config, labels=labels), "LABEL " + " ".join(f"{k}={v}" for k, v in instr.pairs)
    )


def _maintainer(config: ImageConfig, instr: ins.Maintainer, cmd_set: bool) -> ConfigUpdate:
    return ConfigUpdate(config, f"MAINTAINER {instr.maintainer}")


def _cmd(config: ImageConfig, instr: ins.Cmd, cmd_set: bool) -> ConfigUpdate:
    argv = with_shell(config, instr.command, instr.prepend_shell)
    return ConfigUpdate(replace(config, cmd=argv), f"{instr.keyword} {go_quote_list(argv)}", sets_cmd=True)


def _entrypoint(config: ImageConfig, instr: ins.Entrypoint, cmd_set: bool) -> ConfigUpdate:
    """An ENTRYPOINT resets the CMD inherited from the base, not one set earlier in the stage."""
    argv = with_shell(config, instr.command, instr.prepend_shell)
    new = replace(config, entrypoint=argv, cmd=config.cmd if cmd_set else None)
    return ConfigUpdate(new, f"{instr.keyword} {go_quote_list(argv)}")


def _shell(config: ImageConfig, instr: ins.Shell, cmd_set: bool) -> ConfigUpdate:
    return ConfigUpdate(replace(config, shell=tuple(instr.shell)), f"SHELL [{' '.join(instr.shell)}]")


def _expose(config: ImageConfig, instr: ins.Expose, cmd_set: bool) -> ConfigUpdate:
    ports = [p if "/" in p else f"{p}/tcp" for p in instr.ports]
    for port in ports:  # BuildKit parses them with nat.ParsePortSpecs
        number, _, proto = port.partition("/")
        if not re.fullmatch(r"\d+(-\d+)?", number) or proto not in ("tcp", "udp", "sctp"):
            raise InvalidInstruction(f"invalid containerPort: {port.split('/')[0]}")
    merged = tuple(sorted(set(config.exposed_ports) | set(ports)))
    return ConfigUpdate(replace(config, exposed_ports=merged), f"EXPOSE [{' '.join(ports)}]")


def _volume(config: ImageConfig, instr: ins.Volume, cmd_set: bool) -> ConfigUpdate:
    merged = tuple(sorted(set(config.volumes) | set(instr.paths)))
    return ConfigUpdate(replace(config, volumes=merged), f"VOLUME [{' '.join(instr.paths)}]")


def _user(config: ImageConfig, instr: ins.User, cmd_set: bool) -> ConfigUpdate:
    return ConfigUpdate(replace(config, user=instr.user), f"USER {instr.user}")


def _stopsignal(config: ImageConfig, instr: ins.Stopsignal, cmd_set: bool) -> ConfigUpdate:
    return ConfigUpdate(replace(config, stop_signal=instr.signal), f"STOPSIGNAL {instr.signal}")


def _healthcheck(config: ImageConfig, instr: ins.Healthcheck, cmd_set: bool) -> ConfigUpdate:
    health: dict[str, Any] = {"Test": list(instr.test)}
    for key, value in (
        ("Interval", instr.interval),
        ("Timeout", instr.timeout),
        ("StartPeriod", instr.start_period),
        ("StartInterval", instr.start_interval),
        ("Retries", instr.retries),
    ):
        if value:
            health[key] = value
    # BuildKit: fmt.Sprintf("HEALTHCHECK %q", &HealthcheckConfig{Test, Interval, Timeout,
    # StartPeriod, StartInterval, Retries}) (dockerfile2llb/convert.go, dispatchHealthcheck):
    # Go's %q of a struct pointer quotes each field, the durations by their String() and the
    # int Retries as a character literal.
    durations = (instr.interval, instr.timeout, instr.start_period, instr.start_interval)
    text = " ".join([go_quote_list(instr.test), *(f'"{go_duration(d or 0)}"' for d in durations)])
    created_by = f"HEALTHCHECK &{{{text} {go_quote_rune(instr.retries or 0)}}}"
    return ConfigUpdate(replace(config, healthcheck=health), created_by)


def _onbuild(config: ImageConfig, instr: ins.Onbuild, cmd_set: bool) -> ConfigUpdate:
    return ConfigUpdate(replace(config, on_build=(*config.on_build, instr.expression)), None)


ConfigUpdater = Callable[[ImageConfig, Any, bool], ConfigUpdate]
"""``(config, instruction, cmd_set) -> ConfigUpdate``; ``cmd_set``: a CMD came earlier in the stage."""

CONFIG_UPDATES: dict[type[ins.Instruction], ConfigUpdater] = {
    ins.Env: _env,
    ins.Label: _label,
    ins.Maintainer: _maintainer,
    ins.Cmd: _cmd,
    ins.Entrypoint: _entrypoint,
    ins.Shell: _shell,
    ins.Expose: _expose,
    ins.Volume: _volume,
    ins.User: _user,
    ins.Stopsignal: _stopsignal,
    ins.Healthcheck: _healthcheck,
    ins.Onbuild: _onbuild,
}
