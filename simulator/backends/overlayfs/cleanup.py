"""Stale state: mounts and directories a crashed process left under the state directory.

Each container directory holds an ``owner`` file with the pid (and its start time) of the
process that made it, so that :func:`cleanup` can tell the mounts of a crashed process from
live ones.
"""

from __future__ import annotations

import errno
import os
import shutil

from .probe import DEFAULT_STATE_DIR

__all__ = ["cleanup", "mounts_under", "owner_text", "remove_tree"]


def _process_start(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return ""


def owner_text() -> str:
    return f"{os.getpid()} {_process_start(os.getpid())}\n"


def _owner_alive(text: str) -> bool:
    try:
        pid_s, start = ([*text.split(), ""])[:2]
        pid = int(pid_s)
    except ValueError:
        return False
    if not os.path.exists(f"/proc/{pid}"):
        return False
    return not start or _process_start(pid) == start


def _unescape_mountinfo(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 3 < len(text) and text[i + 1 : i + 4].isdigit():
            out.append(chr(int(text[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def mounts_under(directory: str) -> list[str]:
    """Mount points at or below ``directory`` (from ``/proc/self/mountinfo``), deepest first."""
    prefix = os.path.realpath(directory)
    found = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                point = _unescape_mountinfo(line.split()[4])
                if point == prefix or point.startswith(prefix.rstrip("/") + "/"):
                    found.append(point)
    except OSError:
        return []
    return sorted(found, key=len, reverse=True)


def remove_tree(path: str) -> None:
    """``rm -rf`` a backend directory, refusing while anything is mounted below it."""
    if mounts_under(path):
        raise OSError(errno.EBUSY, "still mounted; unmount before removing", path)
    shutil.rmtree(path, ignore_errors=True)


def cleanup(state_dir: str | None = None, *, all: bool = False, layers: bool = False) -> list[str]:
    """Unmount and remove what crashed processes left under the state directory.

    A container directory is stale when the process named in its ``owner`` file is gone;
    ``all=True`` removes live ones too.  ``layers=True`` also empties the layer cache (only when
    nothing is mounted any more).  Returns one line per action.
    """
    from .mounting import unmount  # ctypes and Linux system calls: only when there is work

    state_dir = os.path.realpath(state_dir or DEFAULT_STATE_DIR)
    actions: list[str] = []
    containers = os.path.join(state_dir, "containers")
    for name in sorted(os.listdir(containers)) if os.path.isdir(containers) else []:
        cdir = os.path.join(containers, name)
        try:
            with open(os.path.join(cdir, "owner")) as f:
                owner = f.read()
        except OSError:
            owner = ""
        if _owner_alive(owner) and not all:
            continue
        for point in mounts_under(cdir):
            try:
                unmount(point, "fuse" if os.geteuid() != 0 else "kernel")
                actions.append(f"unmounted {point}")
            except OSError as exc:
                actions.append(f"could not unmount {point}: {exc}")
        try:
            remove_tree(cdir)
            actions.append(f"removed {cdir}")
        except OSError as exc:
            actions.append(f"kept {cdir}: {exc}")
    tmp = os.path.join(state_dir, "tmp")
    for name in sorted(os.listdir(tmp)) if os.path.isdir(tmp) else []:
        path = os.path.join(tmp, name)
        pid = name.split("-")[1] if name.count("-") >= 2 else ""
        live = pid.isdigit() and os.path.exists(f"/proc/{pid}")  # "layer-<pid>-..." being written
        if (all or not live) and not mounts_under(path):
            shutil.rmtree(path, ignore_errors=True)
            actions.append(f"removed {path}")
    if layers and not mounts_under(state_dir):
        path = os.path.join(state_dir, "layers")
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
            actions.append(f"removed {path}")
    return actions
