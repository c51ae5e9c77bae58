"""Issue 11: package managers in real Dockerfiles.

- a package missing from layerlab's catalogue fails in the real tool's wording *and* says it is
  the simulator's gap (pip ``fastapi``, apk ``tzdata``, apt ``tini`` in the issue's corpus; the
  catalogues have those since: ``scipy``, ``figlet`` and ``cowsay`` stand for a gap here);
- ``apk add --virtual .build-deps gcc ...`` (``-t``): ``.build-deps`` names a virtual package
  that depends on the others, and ``apk del .build-deps`` removes them (apk(8), "add -t");
- ``pip install -r requirements.txt`` without the file fails as pip does: ``ERROR: Could not
  open requirements file: [Errno 2] No such file or directory: 'requirements.txt'``.
"""

from __future__ import annotations

import pytest

from simulator import BuildError, Engine
from simulator.builder.builder import build


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.mark.parametrize(
    ("dockerfile", "real", "catalogue"),
    [
        ("FROM python:3.12-slim\nRUN pip install scipy\n",
         "ERROR: No matching distribution found for scipy", "PyPI"),
        ("FROM alpine:3.20\nRUN apk add --no-cache figlet\n",
         "ERROR: unable to select packages:\n  figlet (no such package):", "Alpine 3.20"),
        ("FROM debian:12-slim\nRUN apt-get update && apt-get install -y cowsay\n",
         "E: Unable to locate package cowsay", "Debian 12"),
    ],
)  # fmt: skip
def test_a_catalogue_gap_says_so(engine: Engine, dockerfile: str, real: str, catalogue: str) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, dockerfile)
    text = str(info.value)
    assert real in text
    assert f"is not in layerlab's {catalogue} catalogue" in text and "a gap in the simulator" in text


def test_apt_without_update_is_not_called_a_gap(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "FROM debian:12-slim\nRUN apt-get install -y curl\n")
    assert "E: Unable to locate package curl" in str(info.value) and "gap" not in str(info.value)


def test_a_typo_gets_the_close_names(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "FROM python:3.12-slim\nRUN pip install flsak\n")
    assert "close names in it: flask" in str(info.value)


def test_apk_virtual_package(engine: Engine) -> None:
    result = build(
        engine,
        "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc make && test -x /usr/bin/make"
        " && grep -qx .build-deps /etc/apk/world && ! grep -qx gcc /etc/apk/world\n"
        "RUN apk del .build-deps && test ! -e /usr/bin/make && ! grep -q build-deps /etc/apk/world\n",
    )
    assert [s.keyword for s in result.steps] == ["RUN", "RUN"]
    with pytest.raises(BuildError):  # -t takes the name the same way; the name is not a package
        build(engine, "FROM alpine:3.20\nRUN apk add -t .deps nosuchpkg\n")
    ok = build(engine, "FROM alpine:3.20\nRUN apk add -t .deps make && apk add --virtual=.x gcc\n")
    assert ok.image.view.exists("/usr/bin/gcc")


def test_pip_requirements_file_missing(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "FROM python:3.12-slim\nRUN pip install -r requirements.txt\n")
    assert (
        "ERROR: Could not open requirements file: [Errno 2] No such file or directory: 'requirements.txt'"
        in str(info.value)
    )
    assert "exit code: 1" in str(info.value)


def test_pip_requirements_file_from_the_context(engine: Engine) -> None:
    result = build(
        engine,
        "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
        {"requirements.txt": "flask==3.0.3  # the web app\n\nrequests\n"},
    )
    names = result.image.view.listdir("/usr/local/lib/python3.12/site-packages")
    assert any(n.startswith("flask") for n in names) and any(n.startswith("requests") for n in names)
