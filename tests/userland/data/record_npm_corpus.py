"""Maintainer's recorder of ``npm_corpus.json``: what the real npm installs for the corpus' locks.

``python tests/userland/data/record_npm_corpus.py`` (needs ``npm`` >= 10 and registry.npmjs.org;
never run by the tests): for each case of :data:`RUNS`, it copies the case's ``package.json`` and
``package-lock.json`` from ``tests/corpus/dockerfiles`` into a temporary directory, runs the
Dockerfile's npm command there with ``--ignore-scripts`` (the catalogue models no install
script but esbuild's) and the Dockerfile's ``NODE_ENV``, and records npm's version, the command,
``node_modules/.package-lock.json`` as ``location -> "version[ dev][ optional]"``, and the
number and bytes of the regular files under ``node_modules`` (``.package-lock.json`` left out),
the lock and config warnings npm printed and its summary line (without the time); and under
``changes``, the lock ``npm install`` writes over a corpus lock after a change (:data:`CHANGES`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE.parents[1] / "corpus" / "dockerfiles"

RUNS: dict[str, tuple[list[str], dict[str, str]]] = {
    "voting-app-result": (["npm", "ci"], {}),
    "awesome-compose-nginx-nodejs-redis-web": (["npm", "ci"], {}),
    "awesome-compose-react-express-mysql-backend": (["npm", "ci"], {"NODE_ENV": "production"}),
    "microservices-demo-currencyservice": (["npm", "install", "--only=production"], {}),
    # no lock (its yarn.lock is trimmed): npm resolves the Vue CLI project's 912 packages itself
    "awesome-compose-vuejs": (["npm", "install"], {}),
}
"""Case -> the npm command of its Dockerfile (vuejs: yarn's; npm's resolver is compared) and
its environment; the case's ``package-lock.json`` is copied when it has one."""

WARNINGS = ("npm warn old lockfile", "npm warn ancient lockfile", "npm warn config")
"""The warnings recorded (not ``deprecated``: the catalogue keeps no deprecation messages)."""


def record(case: str, argv: list[str], env: dict[str, str]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("package.json", "package-lock.json"):
            if (CORPUS / case / name).exists():
                shutil.copy(CORPUS / case / name, Path(tmp) / name)
        command = [*argv, "--ignore-scripts", "--no-audit", "--no-fund"]
        done = subprocess.run(command, cwd=tmp, env={**os.environ, **env}, check=True, timeout=600,
                              capture_output=True, text=True)  # fmt: skip
        modules = Path(tmp) / "node_modules"
        hidden = json.loads((modules / ".package-lock.json").read_text())
        tree = {
            location: entry["version"]
            + (" dev" if entry.get("dev") else "")
            + (" optional" if entry.get("optional") else "")
            for location, entry in sorted(hidden["packages"].items())
            if location and not entry.get("link")
        }
        files = [
            p
            for p in modules.rglob("*")
            if p.is_file() and not p.is_symlink() and p != modules / ".package-lock.json"
        ]
        version = subprocess.run(
            ["npm", "--version"], capture_output=True, text=True, timeout=60
        ).stdout.strip()
        warnings = [line for line in done.stderr.splitlines() if line.startswith(WARNINGS)]
        added = next(line for line in done.stdout.splitlines() if line.startswith(("added ", "up to date")))
        return {"npm": version, "command": " ".join(command), "env": env, "tree": tree, "files": len(files),
                "bytes": sum(p.stat().st_size for p in files), "warnings": warnings,
                "summary": added.rsplit(" in ", 1)[0]}  # fmt: skip


CHANGES: dict[str, tuple[str, dict[str, str], list[str]]] = {
    "nginx-nodejs-redis, express moved to ^4.18.2": (
        "awesome-compose-nginx-nodejs-redis-web", {"express": "^4.18.2"}, ["npm", "install"]),
    "nginx-nodejs-redis, npm install cors": ("awesome-compose-nginx-nodejs-redis-web", {}, ["npm", "install", "cors"]),
}  # fmt: skip
"""``npm install`` over a corpus lock after a change (``package.json`` dependencies set, or a
package named): the lock npm writes (``--package-lock-only``), as ``location -> version``."""


def record_change(case: str, deps: dict[str, str], argv: list[str]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(CORPUS / case / name, Path(tmp) / name)
        manifest = json.loads((Path(tmp) / "package.json").read_text())
        manifest["dependencies"].update(deps)
        (Path(tmp) / "package.json").write_text(json.dumps(manifest, indent=2))
        command = [*argv, "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"]
        subprocess.run(command, cwd=tmp, check=True, timeout=600, capture_output=True)
        lock = json.loads((Path(tmp) / "package-lock.json").read_text())
        return {"case": case, "dependencies": deps, "command": " ".join(argv),
                "tree": {k: v["version"] for k, v in sorted(lock["packages"].items()) if k}}  # fmt: skip


def main() -> None:
    out: dict[str, object] = {case: record(case, argv, env) for case, (argv, env) in RUNS.items()}
    out["changes"] = {what: record_change(*args) for what, args in CHANGES.items()}
    (HERE / "npm_corpus.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
