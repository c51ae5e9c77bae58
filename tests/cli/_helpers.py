"""Running ``layerlab`` in the tests: in-process on a given engine, or as a user types it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from simulator.cli import run
from simulator.engine import Engine

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    status: int
    out: str
    err: str


def cli(*argv: str, engine: Engine | None = None) -> Result:
    """``layerlab ARGV`` run in this process on ``engine``."""
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), engine=engine, stdout=out, stderr=err)
    return Result(status, out.getvalue(), err.getvalue())


def layerlab(*argv: str, root: Path | None = None, cwd: Path | None = None, timeout: float = 120) -> Result:
    """``layerlab ARGV`` as a separate process (``python -m simulator.cli``, the console script's code)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LAYERLAB_ROOT", "XDG_DATA_HOME")}
    env["PYTHONPATH"] = str(ROOT)
    if root is not None:
        env["LAYERLAB_ROOT"] = str(root)
    proc = subprocess.run(
        [sys.executable, "-m", "simulator.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or ROOT,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
