"""``python3 -m pip`` and ``python3 --version`` in RUN lines of the python images."""

from __future__ import annotations

from simulator import Engine


def test_python_m_pip_installs_into_site_packages_and_version_prints():
    engine = Engine()
    result = engine.images.build(
        dockerfile="FROM python:3.12-slim\nRUN python3 -m pip install --no-cache-dir flask && python --version\n"
    )
    step = result.steps[-1]
    assert step.output.rstrip().endswith("Python 3.12.11") or "Python 3.12" in step.output
    names = result.image.listdir("/usr/local/lib/python3.12/site-packages")
    assert any(n.lower().startswith("flask") for n in names)


def test_python_code_is_not_run_and_says_so():
    engine = Engine()
    c = engine.containers.run("python:3.12-slim", "python3 -c 'print(1)'")
    assert c.exit_code == 127 and b"runs no Python code" in c.output
