"""pip over the PyPI catalogue: installed sizes from the wheels' RECORD, dist-info, console
scripts, the cache, and pip's own messages (pip 24's wording, pip/_internal)."""

from __future__ import annotations

import pytest

from simulator.distro import library
from simulator.model.container import Container
from simulator.userland import _pep440 as pep440
from simulator.userland import pip as pipmod
from simulator.userland.registry import COMMANDS, ExecContext

SITE = "/usr/local/lib/python3.12/site-packages"


def run(fs: Container, *argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    ctx = ExecContext(fs=fs, env=env or {"HOME": "/root"})
    code = COMMANDS[argv[0]](ctx, list(argv))
    return code, ctx.stdout.decode(), ctx.stderr.decode()


@pytest.fixture
def py() -> Container:
    return Container(library.get("python:3.12-slim"))


def test_tutorial_packages_are_in_the_catalogue() -> None:
    cat = pipmod.pip_catalogue()
    for name in ("flask", "django", "fastapi", "uvicorn", "gunicorn", "requests", "numpy", "pandas", "redis",
                 "mysql-connector-python", "psycopg2-binary", "sqlalchemy", "environs", "pytest", "celery", "jinja2",
                 "werkzeug", "click", "pydantic", "starlette"):  # fmt: skip
        assert name in cat, name
        for dep in cat[name]["depends"]:
            assert dep in cat, (name, dep)  # the closure is complete


def test_flask_installs_its_real_installed_size_not_the_wheels(py: Container) -> None:
    before = py.size_rw
    code, out, err = run(py, "pip", "install", "--no-cache-dir", "flask")
    assert code == 0, err
    cat = pipmod.pip_catalogue()
    # the installed size of flask and its six dependencies, from their RECORDs (+ .pyc): ~5 MB,
    # where the wheels are ~0.6 MB (the measure: 5.07 MB installed)
    wheels = sum(
        cat[n]["wheel_size"]
        for n in ("flask", "werkzeug", "jinja2", "markupsafe", "click", "itsdangerous", "blinker")
    )
    grown = py.size_rw - before
    assert 4_000_000 < grown < 6_500_000
    assert grown > 5 * wheels
    assert "Installing collected packages: " in out and "Successfully installed " in out
    line = out.splitlines()[-1].split()[2:]
    assert line == sorted(line)  # pip sorts 'Successfully installed' by name (uppercase first)
    assert any(w.startswith("Werkzeug-") or w.startswith("werkzeug-") for w in line)


def test_dist_info_layout_and_record(py: Container) -> None:
    run(py, "pip", "install", "--no-cache-dir", "flask")
    version = pipmod.pip_catalogue()["flask"]["version"]
    info = f"{SITE}/flask-{version}.dist-info"
    for name in ("METADATA", "WHEEL", "RECORD", "INSTALLER", "REQUESTED"):
        assert py.exists(f"{info}/{name}"), name
    assert py.read_file(f"{info}/INSTALLER") == b"pip\n"
    assert not py.exists(
        f"{SITE}/werkzeug-{pipmod.pip_catalogue()['werkzeug']['version']}.dist-info/REQUESTED"
    )
    record = py.read_file(f"{info}/RECORD").decode().splitlines()
    paths = [line.split(",")[0] for line in record]
    assert "flask/__init__.py" in paths and f"flask-{version}.dist-info/RECORD" in paths
    assert "../../../bin/flask" in paths  # console scripts are in RECORD, relative to site-packages
    for line in record:
        rel, _, size = line.split(",")
        if size:
            assert py.stat(
                f"{SITE}/{rel}" if not rel.startswith("..") else "/usr/local/bin/flask"
            ).size == int(size)
    assert [n for n in py.listdir(f"{SITE}/flask/__pycache__") if n.endswith(".cpython-312.pyc")]


def test_console_script_is_distlibs_launcher(py: Container) -> None:
    run(py, "pip", "install", "--no-cache-dir", "gunicorn")
    text = py.read_file("/usr/local/bin/gunicorn").decode()
    assert text.startswith("#!") and "from gunicorn.app.wsgiapp import run" in text
    assert "sys.exit(run())" in text
    assert py.stat("/usr/local/bin/gunicorn").mode & 0o111


def test_cache_in_root_cache_pip_unless_no_cache_dir(py: Container) -> None:
    run(py, "pip", "install", "requests")
    assert py.exists("/root/.cache/pip/http-v2")
    other = Container(library.get("python:3.12-slim"))
    run(other, "pip", "install", "--no-cache-dir", "requests")
    assert not other.exists("/root/.cache/pip")
    third = Container(library.get("python:3.12-slim"))
    run(third, "pip", "install", "requests", env={"HOME": "/root", "PIP_NO_CACHE_DIR": "1"})
    assert not third.exists("/root/.cache/pip")


def test_no_matching_distribution_for_a_name_pypi_lacks(py: Container) -> None:
    code, _, err = run(py, "pip", "install", "flaskk")
    assert code == 1
    assert err.startswith(
        "ERROR: Could not find a version that satisfies the requirement flaskk (from versions: none)\n"
        "ERROR: No matching distribution found for flaskk\n"
    )
    assert "not in layerlab's PyPI catalogue" in err and "flask" in err
    assert py.upper_entries == {}


def test_a_version_pypi_never_had_lists_the_real_ones(py: Container) -> None:
    code, _, err = run(py, "pip", "install", "flask==99.0")
    assert code == 1
    assert "satisfies the requirement flask==99.0 (from versions: 0.1, " in err
    assert err.endswith("ERROR: No matching distribution found for flask==99.0\n")


def test_an_older_pinned_version_installs_under_its_number(py: Container) -> None:
    code, out, _ = run(py, "pip", "install", "--no-cache-dir", "flask==2.3.2")
    assert code == 0 and "flask-2.3.2" in out.lower()
    assert py.exists(f"{SITE}/flask-2.3.2.dist-info/METADATA")
    assert b"Version: 2.3.2" in py.read_file(f"{SITE}/flask-2.3.2.dist-info/METADATA")


def test_requirements_file_missing_is_pips_error(py: Container) -> None:
    code, _, err = run(py, "pip", "install", "-r", "requirements.txt")
    assert code == 1
    assert (
        err
        == "ERROR: Could not open requirements file: [Errno 2] No such file or directory: 'requirements.txt'\n"
    )


def test_requirements_file_with_pins_comments_and_nested_files(py: Container) -> None:
    py.makedirs("/app")
    py.write_file("/app/base.txt", "redis>=4  # cache\n")
    py.write_file(
        "/app/requirements.txt",
        "-r base.txt\n--index-url https://pypi.org/simple\nfastapi\nuvicorn[standard]==0.30.0\n",
    )
    ctx = ExecContext(fs=py, env={"HOME": "/root"}, cwd="/app")
    assert COMMANDS["pip"](ctx, ["pip", "install", "--no-cache-dir", "-r", "requirements.txt"]) == 0
    out = ctx.stdout.decode()
    assert "redis-" in out and "fastapi-" in out and "uvicorn-0.30.0" in out
    assert "uvloop-" in out  # uvicorn's [standard] extra
    assert py.exists("/usr/local/bin/uvicorn") and py.exists("/usr/local/bin/fastapi")


def test_invalid_requirement(py: Container) -> None:
    code, _, err = run(py, "pip", "install", "flask=2.0")
    assert code == 1 and err.startswith("ERROR: Invalid requirement: 'flask=2.0'")
    assert "Did you mean == ?" in err


def test_no_requirement_and_unknown_command(py: Container) -> None:
    code, _, err = run(py, "pip", "install")
    assert (
        code == 1
        and err == 'ERROR: You must give at least one requirement to install (see "pip help install")\n'
    )
    code, _, err = run(py, "pip", "isntall", "flask")
    assert code == 1 and err == 'ERROR: unknown command "isntall" - maybe you meant "install"\n'


def test_already_satisfied_and_uninstall(py: Container) -> None:
    run(py, "pip", "install", "--no-cache-dir", "click")
    code, out, _ = run(py, "pip", "install", "click")
    assert code == 0 and out.startswith(f"Requirement already satisfied: click in {SITE} (")
    code, out, _ = run(py, "pip", "uninstall", "-y", "click")
    assert code == 0 and "Successfully uninstalled click-" in out
    assert not py.exists(f"{SITE}/click") and not [n for n in py.listdir(SITE) if n.startswith("click-")]


def test_user_target_and_prefix_installs(py: Container) -> None:
    run(py, "pip", "install", "--no-cache-dir", "--prefix=/install", "click")
    assert py.exists("/install/lib/python3.12/site-packages/click/__init__.py")
    run(py, "pip", "install", "--no-cache-dir", "--user", "idna")
    assert py.exists("/root/.local/lib/python3.12/site-packages/idna/__init__.py")
    run(py, "pip", "install", "--no-cache-dir", "-t", "/deps", "six")
    assert py.exists("/deps/six.py")


def test_numpy_size_is_the_installed_one(py: Container) -> None:
    before = py.size_rw
    run(py, "pip", "install", "--no-cache-dir", "numpy")
    # numpy's manylinux wheel is ~16 MB; installed (RECORD + .pyc) it is ~60-70 MB
    assert 40e6 < py.size_rw - before < 100e6


def test_root_user_action_ignore_silences_the_warning(py: Container) -> None:
    _, _, err = run(py, "pip", "install", "--no-cache-dir", "--root-user-action=ignore", "six")
    assert "Running pip as the 'root' user" not in err
    _, _, err = run(py, "pip", "install", "--no-cache-dir", "idna")
    assert "Running pip as the 'root' user" in err


def test_format_size_is_pips() -> None:
    assert [pipmod.format_size(n) for n in (500, 2_700, 102_000, 16_300_000)] == [
        "500 bytes", "2.7 kB", "102 kB", "16.3 MB",
    ]  # fmt: skip


def test_flask_target_install_is_within_one_percent_of_the_real_pip(py: Container) -> None:
    """Measured on the day the catalogue was made: ``pip install --no-cache-dir --target DIR
    flask==3.1.3`` (pip 23.2.1, CPython 3.11, the same versions as the catalogue's) wrote 319
    files, 4,987,097 bytes (pip rewrites RECORD with the .pyc lines: the small difference)."""
    from simulator.userland._tree import tree_size

    code, _, err = run(py, "pip", "install", "-q", "--no-cache-dir", "--target", "/deps", "flask==3.1.3")
    assert code == 0, err
    assert abs(tree_size(py, "/deps") - 4_987_097) < 0.01 * 4_987_097
    assert py.exists("/deps/bin/flask")


# -- a project PyPI has only as an sdist: mysql-connector 2.2.9 (awesome-compose nginx-flask-mysql) --


def test_an_sdist_is_built_with_setup_py_where_setuptools_and_wheel_are_installed() -> None:
    # python:3.10's images pip-install setuptools and 'wheel<0.46' (docker-library/python), so
    # pip 23.0.1 runs setup.py bdist_wheel; its spinner lines are the non-terminal ones (docker build)
    c = Container(library.get("python:3.10-alpine"))
    code, out, err = run(c, "pip", "install", "mysql-connector==2.2.9")
    assert code == 0, err
    assert "Collecting mysql-connector\n  Downloading mysql-connector-2.2.9.tar.gz (11.9 MB)\n" in out
    assert (
        "  Preparing metadata (setup.py): started\n  Preparing metadata (setup.py): finished with status 'done'\n"
        in out
    )
    assert "Building wheels for collected packages: mysql-connector\n" in out
    assert "  Building wheel for mysql-connector (setup.py): finished with status 'done'\n" in out
    assert (
        "  Created wheel for mysql-connector: filename=mysql_connector-2.2.9-cp310-cp310-linux_x86_64.whl size="
        in out
    )
    assert "  Stored in directory: /root/.cache/pip/wheels/" in out
    assert "Successfully built mysql-connector\n" in out
    assert out.index("Successfully built") < out.index("Installing collected packages")
    site = "/usr/local/lib/python3.10/site-packages"
    for path in ("mysql/connector/__init__.py", "mysqlx/__init__.py", "mysql_connector-2.2.9.dist-info/RECORD",
                 "mysql/connector/__pycache__/cursor.cpython-310.pyc"):  # fmt: skip
        assert c.exists(f"{site}/{path}"), path
    assert not [
        p for p in c.listdir(site) if p.startswith("_mysql_connector")
    ]  # the C extension is not built
    wheels = [p for p, _ in c.walk("/root/.cache/pip/wheels") if p.endswith(".whl")]
    assert [p.rsplit("/", 1)[1] for p in wheels] == ["mysql_connector-2.2.9-cp310-cp310-linux_x86_64.whl"]


def test_an_sdist_is_built_by_pep517_where_wheel_is_missing(py: Container) -> None:
    # python:3.12+ images have no setuptools nor wheel: pip >= 23.1 builds in an isolated env
    code, out, err = run(py, "pip", "install", "--no-cache-dir", "mysql-connector")
    assert code == 0, err
    assert "  Installing build dependencies: started\n" in out
    assert "  Getting requirements to build wheel: finished with status 'done'\n" in out
    assert "  Preparing metadata (pyproject.toml): finished with status 'done'\n" in out
    assert "  Building wheel for mysql-connector (pyproject.toml): started\n" in out
    assert "filename=mysql_connector-2.2.9-cp312-cp312-linux_x86_64.whl" in out
    assert "  Stored in directory: /tmp/pip-ephem-wheel-cache-" in out
    assert not py.exists("/root/.cache/pip")  # --no-cache-dir: no wheel kept
    entry = pipmod.pip_catalogue()["mysql-connector"]
    assert entry["sdist"]["size"] == 11852649 and entry["installed_size"] > 1_000_000


def test_a_pin_to_a_pre_release_admits_it(py: Container) -> None:
    # PEP 440: pre-releases are excluded unless a specifier names one (opentelemetry's 0.60b1)
    code, out, err = run(py, "pip", "install", "--no-deps", "--no-cache-dir", "opentelemetry-distro==0.60b1")
    assert code == 0, err
    assert "Successfully installed opentelemetry-distro-0.60b1\n" in out
    assert py.exists(f"{SITE}/opentelemetry_distro-0.60b1.dist-info/RECORD")


def test_versions_compare_by_pep440_order() -> None:
    assert pep440.matches("0.60b0", "==", "0.60b1") is False  # the pre-release part counts
    assert pep440.matches("2.0rc1", "<", "2.0") and pep440.matches("2.0.post1", ">", "2.0")
    assert pep440.matches("1.0.dev1", "<", "1.0a1") and pep440.matches("1.0", "==", "1.0.0")
