"""The modelled toolchains' messages compared with the real tools on this machine (offline cases
only: nothing here reaches a registry).  Each test skips when its tool is absent."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator.distro import library
from simulator.model.container import Container
from simulator.sh.run import run_script

pytestmark = pytest.mark.real

ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}


# layerlab's npm is the npm of the official node images (npm 10 and 11); Debian 12's own npm
# package is 9.2, whose messages differ: the comparison needs a modern npm (e.g. NodeSource's).
NPM_MAJOR_MODELLED = 10


def real(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} is not installed on this machine")
    if argv[0] == "npm":
        version = subprocess.run(
            ["npm", "--version"], capture_output=True, text=True, timeout=60
        ).stdout.strip()
        if int(version.split(".")[0] or 0) < NPM_MAJOR_MODELLED:
            pytest.skip(
                f"npm {version} here; layerlab models npm >= {NPM_MAJOR_MODELLED} (the node images' npm)"
            )
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, check=False)  # fmt: skip


def node_box(files: dict[str, str]) -> Container:
    c = Container(library.get("node:20-slim"))
    c.makedirs("/app")
    for name, text in files.items():
        c.write_file(f"/app/{name}", text)
    return c


def test_npm_ci_without_a_lock_matches_npm(tmp_path: Path) -> None:
    manifest = json.dumps({"name": "app", "version": "1.0.0"})
    (tmp_path / "package.json").write_text(manifest)
    got = real(["npm", "ci", "--cache", str(tmp_path / "cache")], tmp_path)
    ours = run_script(node_box({"package.json": manifest}), "npm ci", env=ENV, cwd="/app")
    assert (ours.exit_code, got.returncode) == (1, 1)
    assert ours.stderr.splitlines()[:5] == got.stderr.splitlines()[:5]


def test_npm_missing_script_matches_npm(tmp_path: Path) -> None:
    manifest = json.dumps({"name": "app", "version": "1.0.0", "scripts": {"build": "true"}})
    (tmp_path / "package.json").write_text(manifest)
    got = real(["npm", "run", "nosuch", "--cache", str(tmp_path / "cache")], tmp_path)
    ours = run_script(node_box({"package.json": manifest}), "npm run nosuch", env=ENV, cwd="/app")
    assert (ours.exit_code, got.returncode) == (1, 1)
    assert ours.stderr.splitlines()[:4] == got.stderr.splitlines()[:4]


def test_npm_run_banner_matches_npm(tmp_path: Path) -> None:
    manifest = json.dumps({"name": "app", "version": "1.0.0", "scripts": {"build": "echo hi"}})
    (tmp_path / "package.json").write_text(manifest)
    got = real(["npm", "run", "build", "--cache", str(tmp_path / "cache")], tmp_path)
    ours = run_script(node_box({"package.json": manifest}), "npm run build", env=ENV, cwd="/app")
    assert ours.stdout == got.stdout


def test_mvn_without_a_pom_matches_maven(tmp_path: Path) -> None:
    got = real(["mvn", "-B", "-o", "package"], tmp_path)
    c = Container(library.get("debian:12"))
    c.makedirs("/usr/share/maven/bin")
    c.write_file("/usr/share/maven/bin/mvn", b"#!/bin/sh\n", 0o755)
    c.makedirs(str(tmp_path))
    ours = run_script(
        c, "mvn -B -o package", env={**ENV, "PATH": "/usr/share/maven/bin:" + ENV["PATH"]}, cwd=str(tmp_path)
    )
    assert (ours.exit_code, got.returncode) == (1, 1)
    real_errors = [line for line in got.stdout.splitlines() if line.startswith("[ERROR]")]
    assert ours.stdout.splitlines() == real_errors


def test_gpg_verify_of_a_missing_file_matches_gpg(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    got = real(["gpg", "--batch", "--verify", "nosuch.asc", "file"], tmp_path, {"GNUPGHOME": str(home)})
    c = Container(library.get("debian:12"))
    c.write_file("/usr/bin/gpg", b"\x7fELF", 0o755)
    c.makedirs("/w")
    c.write_file("/w/file", "x")
    ours = run_script(c, "gpg --batch --verify nosuch.asc file", env={**ENV, "GNUPGHOME": "/g"}, cwd="/w")
    assert ours.exit_code == got.returncode == 2
    lines = [line for line in got.stderr.splitlines() if "keybox" not in line and "created" not in line]
    assert ours.stderr.splitlines() == lines


def test_apt_mark_invalid_operation_matches_apt(tmp_path: Path) -> None:
    got = real(["apt-mark", "frob"], tmp_path)
    ours = run_script(Container(library.get("debian:12")), "apt-mark frob", env=ENV)
    assert (ours.exit_code, ours.stderr) == (got.returncode, got.stderr)


def test_npm_ci_of_an_ancient_empty_lock_matches_npm(tmp_path: Path) -> None:
    manifest = json.dumps({"name": "app", "version": "1.0.0"})
    (tmp_path / "package.json").write_text(manifest)
    (tmp_path / "package-lock.json").write_text("{}\n")
    got = real(["npm", "ci", "--no-audit", "--cache", str(tmp_path / "cache")], tmp_path)
    ours = run_script(node_box({"package.json": manifest, "package-lock.json": "{}\n"}), "npm ci --no-audit", env=ENV,
                      cwd="/app")  # fmt: skip
    assert ours.exit_code == got.returncode == 0
    assert ours.stderr == got.stderr
    assert ours.stdout.replace(" in 1s", "") == got.stdout.rsplit(" in ", 1)[0] + "\n"
