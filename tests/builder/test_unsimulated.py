"""Issue 11 part 3, "nothing dead-ends", and part 5, errors a student can act on.

A program that is in the image (a file on PATH) but that layerlab has no simulation of runs as
a no-op that succeeds: the step keeps what the modelled commands did, the log says in one line
what is missing from the layer, ``StepRecord.unsimulated`` names it, and ``strict=True`` fails.
A program that is not in the image at all is ``not found`` (exit status 127) and fails the build,
as under Docker (``/bin/sh: npm: not found``), with a hint saying what to do.
"""

from __future__ import annotations

import pytest

from simulator import BuildError, Engine
from simulator.builder.builder import build
from simulator.sh.run import run_script

TOOL = (b"#!/usr/bin/env node\n// not really\n", 0o755)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_a_program_on_path_without_simulation_is_recorded_and_the_step_goes_on(engine: Engine) -> None:
    text = (  # gradle: a toolchain layerlab does not model (npm, go, mvn, dotnet are modelled since issue 11)
        "FROM debian:12-slim\nCOPY gradle /usr/local/bin/gradle\nWORKDIR /app\n"
        "RUN gradle build && echo built > /app/done && gradle assemble\n"
    )
    result = build(engine, text, {"gradle": TOOL})
    run = result.steps[-1]
    assert run.keyword == "RUN" and run.unsimulated == ("gradle",)
    assert result.image.view.read_file("/app/done") == b"built\n"  # the modelled part is in the layer
    lines = [line for line in result.log.splitlines() if "not simulated" in line]
    assert len(lines) == 1  # one line per command, not per call
    assert lines[0].startswith(f"#{run.number} ")
    assert "layerlab: 'gradle' is not simulated: its effects (build/, ~/.gradle" in lines[0]
    assert "are not in this layer" in lines[0]
    assert [s.unsimulated for s in result.steps if s.keyword != "RUN"] == [(), ()]


def test_strict_fails_on_an_unsimulated_program(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(
            engine,
            "FROM debian:12-slim\nCOPY gradle /usr/bin/gradle\nRUN gradle build\n",
            {"gradle": TOOL},
            strict=True,
        )
    assert info.value.line == 3
    assert "'gradle' is not simulated" in str(info.value) and "strict" in str(info.value)


def test_a_program_run_by_python_is_unsimulated_but_pip_is_modelled(engine: Engine) -> None:
    result = build(
        engine,
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask && python manage.py collectstatic\n",
    )
    assert result.steps[-1].unsimulated == ("python",)
    site = "/usr/local/lib/python3.12/site-packages"
    assert any(n.startswith("flask") for n in result.image.view.listdir(site))


def test_a_modelled_command_that_fails_still_fails_the_build(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "FROM debian:12-slim\nRUN test -e /nowhere\n")
    assert "exit code: 1" in str(info.value) and info.value.line == 2


def test_a_missing_program_is_not_found_as_in_docker_with_a_hint(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "FROM debian:12-slim\nRUN npm ci\n")
    text = str(info.value)
    assert text.splitlines()[0] == (
        'Dockerfile:2: RUN npm ci: process "/bin/sh -c npm ci" did not complete successfully: exit code: 127'
    )
    assert "/bin/sh: 1: npm: not found" in text or "npm: not found" in text
    assert "hint: npm is not installed in this image" in text and "FROM node" in text
    assert "the RUN shell knows" not in text  # no list of 90 commands


@pytest.mark.parametrize(
    ("base", "command", "hint"),
    [
        ("debian:12-slim", "apk add curl", "apk is Alpine's package manager; this image is Debian-based: use apt-get"),
        ("ubuntu:24.04", "apk add curl", "apk is Alpine's package manager; this image is Ubuntu-based: use apt-get"),
        ("alpine:3.20", "apt-get install -y curl", "apt-get is Debian's and Ubuntu's package manager; this image is Alpine-based: use apk"),
        ("alpine:3.20", "apt-mark hold x", "apt-mark is Debian's and Ubuntu's package manager; this image is Alpine-based: use apk"),
        ("debian:12-slim", "yum install -y curl", "yum is the package manager of Red Hat"),
    ],
)  # fmt: skip
def test_a_package_manager_of_another_distribution(
    engine: Engine, base: str, command: str, hint: str
) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, f"FROM {base}\nRUN {command}\n")
    assert hint in str(info.value)


def test_unknown_image_names_the_three_nearest_library_images(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "FROM pyhton:3.12-slim\nRUN true\n")
    message = str(info.value)
    assert len(message.splitlines()) == 1
    assert message.startswith("Dockerfile:1: FROM pyhton:3.12-slim:")
    nearest = message.split("nearest library images: ")[1].split(", ")
    assert len(nearest) == 3 and nearest[0] == "python:3.12-slim"


def test_copy_from_an_unknown_image_names_the_nearest(engine: Engine) -> None:
    with pytest.raises(BuildError) as info:
        build(engine, "FROM alpine:3.20\nCOPY --from=nginx:1.99 /etc/nginx /etc/nginx\n")
    assert "COPY --from=nginx:1.99" in str(info.value) and "nginx:1.27" in str(info.value)
    assert info.value.line == 2


def test_copy_from_a_library_image(engine: Engine) -> None:
    result = build(engine, "FROM alpine:3.20\nCOPY --from=debian:12-slim /etc/os-release /debian-release\n")
    assert b"Debian" in result.image.view.read_file("/debian-release")


# -- the shell on its own ----------------------------------------------------------------------
def test_the_shell_records_unsimulated_programs_only_when_asked(engine: Engine) -> None:
    image = engine.images.get_or_pull("debian:12-slim")
    from simulator.model.container import Container

    c = Container(image)
    c.write_file("/usr/bin/cargo", b"#!/usr/bin/rustc\n", 0o755)
    skipped = run_script(c, "cargo build; cargo -q test; echo $?", skip_unsimulated=True)
    assert (skipped.exit_code, skipped.stdout, skipped.unsimulated) == (0, "0\n", ("cargo",))
    strict = run_script(c, "cargo build", skip_unsimulated=False)
    assert strict.exit_code == 127 and strict.unsimulated == ("cargo",)
    missing = run_script(c, "gradle build", skip_unsimulated=True)
    assert missing.exit_code == 127 and missing.unsimulated == () and missing.unknown_command == "gradle"
