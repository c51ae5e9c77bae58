"""The "Try it on a real Docker host" boxes: every command in them is one the real tools accept.

Each lesson ends with a Markdown box of shell commands that show on a real host what the
lesson showed in the model.  Two levels of checking:

- **parse** (no daemon): for every ``docker`` and ``kubectl`` command, the subcommand exists
  (``docker <cmd> --help`` answers) and every flag used is in its ``--help``; every other
  program is installed (``shutil.which``);
- **run** (``@pytest.mark.real``): the ``docker`` commands that need no network run against a
  private ``dockerd`` (the helper of tests/realtools/test_docker.py), with the busybox image it
  imports in place of ``alpine:3.20``/``debian:bookworm-slim``; the two ``kubectl
  --dry-run=client``/``--local`` commands run for real (they need no cluster).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from tests.realtools.test_docker import docker  # noqa: F401  (the private dockerd fixture, reused)

SRC = Path(__file__).resolve().parents[2] / "notebooks" / "src"

BUILDX_BUILD_FLAGS = {
    # `docker build` is `docker buildx build` on a Docker with the buildx plugin (Docker >= 23);
    # a CLI without the plugin (Debian's docker.io) runs the classic builder, whose --help lacks
    # these.  Source: https://docs.docker.com/reference/cli/docker/buildx/build/ (options table).
    "--progress",
    "--no-cache-filter",
    "--load",
    "--push",
}

SHELL_WORDS = {"cd", "echo", "printf", "sh"}
"""Shell builtins (or programs every shell has) that need no check."""


def boxes() -> dict[str, str]:
    """``{lesson: the text of its sh block}`` for every lesson's "Try it on a real …" cell."""
    out: dict[str, str] = {}
    for path in sorted(SRC.glob("0[1-9]-*.py")):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^# ## Try it on a real .*?^# ```sh\n(.*?)^# ```", text, re.S | re.M)
        assert match, f"{path.name}: no 'Try it on a real ...' box with a ```sh block"
        out[path.name[:2]] = "\n".join(line[2:] for line in match.group(1).splitlines())
    return out


def commands(block: str) -> list[list[str]]:
    """The simple commands of ``block``: lines split at ``&&``, ``|``, ``;``, ``>``; comments
    dropped; each ``$(...)`` checked as a command of its own and replaced by a word."""
    out: list[list[str]] = []
    for line in block.splitlines():
        for inner in re.findall(r"\$\(([^()]*)\)", line):
            out.extend(commands(inner))
        line = re.sub(r'"?\$\([^()]*\)[^"\s]*"?', "WORD", line)
        lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        redirect = False
        for token in lexer:
            if token in {"|", "&&", ";", "||"}:
                if words:
                    out.append(words)
                words, redirect = [], False
            elif token in {">", ">>", "<", "2>"}:
                redirect = True
            elif redirect:
                redirect = False  # the file name after a redirection
            else:
                words.append(token)
        if words:
            out.append(words)
    return out


@cache
def _help(*words: str) -> str:
    proc = subprocess.run([*words, "--help"], capture_output=True, text=True, timeout=30, check=False)
    return proc.stdout + proc.stderr if proc.returncode == 0 else ""


def _subcommand(program: str, words: list[str]) -> tuple[list[str], list[str]]:
    """(``[program, sub, subsub]``, the remaining words): descend while ``--help`` lists the word."""
    path, rest = [program], list(words)
    while rest and not rest[0].startswith("-"):
        listing = _help(*path)
        if not re.search(rf"^\s+{re.escape(rest[0])}\*?\s", listing, re.M):
            break
        path.append(rest.pop(0))
    return path, rest


def _flags(words: list[str], help_text: str, *, interspersed: bool) -> list[str]:
    """The flags of ``words``.  A flag that takes a value (``-f string`` in the help) consumes
    the next word; with ``interspersed`` false (docker), the first other word ends the flags:
    what follows is the image or container and its own command line."""
    takes_value: set[str] = set()
    for match in re.finditer(r"^\s+(?:(-\w), )?(--[\w-]+) (\w+)", help_text, re.M):
        takes_value.update(f for f in match.groups()[:2] if f)
    flags, skip = [], False
    for w in words:
        if skip:
            skip = False
        elif w == "--":
            break
        elif w.startswith("--"):
            flags.append(w.split("=", 1)[0])
            skip = "=" not in w and w in takes_value
        elif re.fullmatch(r"-[A-Za-z]+", w):
            flags.extend(f"-{c}" for c in w[1:])
            skip = f"-{w[-1]}" in takes_value
        elif not interspersed:
            break
    return flags


def _problems(words: list[str]) -> list[str]:
    program = words[0]
    if program == "sudo":
        return _problems(words[1:])
    if program in SHELL_WORDS:
        return []
    if shutil.which(program) is None:
        return [f"{program}: not installed"]
    if program not in {"docker", "kubectl"}:
        return []
    path, rest = _subcommand(program, words[1:])
    if len(path) == 1:
        return [f"{' '.join(words[:2])}: no such subcommand"]
    text = _help(*path)
    if program == "kubectl":
        text += _help("kubectl", "options")
    problems = []
    for flag in _flags(rest, text, interspersed=program == "kubectl"):
        if re.search(rf"(^|[\s,]){re.escape(flag)}([\s,=]|$)", text, re.M):
            continue
        if path[1:] == ["build"] and flag in BUILDX_BUILD_FLAGS:
            continue
        problems.append(f"{' '.join(path)}: no flag {flag}")
    return problems


needs_docker = pytest.mark.skipif(shutil.which("docker") is None, reason="the docker CLI is not installed")
needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")


def test_every_lesson_has_a_box_of_real_commands() -> None:
    found = boxes()
    assert sorted(found) == [f"0{n}" for n in range(1, 10)]
    for lesson, block in found.items():
        assert len(commands(block)) >= 4, f"lesson {lesson}: a box of a few real commands"


def test_the_command_splitter() -> None:
    got = commands(
        "docker rm -f a && docker rmi x:1   # comment\n"
        "sudo ls \"$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' a)/etc\"\n"
        "kubectl create deployment web --dry-run=client -o yaml > web.yaml"
    )
    assert got == [
        ["docker", "rm", "-f", "a"],
        ["docker", "rmi", "x:1"],
        ["docker", "inspect", "-f", "{{.GraphDriver.Data.UpperDir}}", "a"],
        ["sudo", "ls", "WORD"],
        ["kubectl", "create", "deployment", "web", "--dry-run=client", "-o", "yaml"],
    ]


@pytest.mark.parametrize("lesson", [f"0{n}" for n in range(1, 10)])
@needs_docker
@needs_kubectl
def test_every_command_parses(lesson: str) -> None:
    problems = [p for words in commands(boxes()[lesson]) for p in _problems(words)]
    assert not problems, f"lesson {lesson}'s box: " + "; ".join(problems)


@pytest.mark.parametrize(
    "words, problem",
    [
        (["docker", "system", "df", "--verbose-please"], "no flag --verbose-please"),
        (["docker", "imagez", "ls"], "no such subcommand"),
        (["kubectl", "create", "deployment", "x", "--dry-rum=client"], "no flag --dry-rum"),
        (["no-such-program-xyz"], "not installed"),
    ],
)
@needs_docker
@needs_kubectl
def test_a_wrong_command_is_caught(words: list[str], problem: str) -> None:
    assert any(problem in p for p in _problems(words))


# -- real runs --------------------------------------------------------------------------------

RUNNABLE = {
    *("history", "inspect", "image", "diff", "system", "ps", "run", "exec", "rm", "rmi", "commit"),
    *("top", "stats", "stop", "info"),
}
"""The docker subcommands run for real: nothing that needs the network (pull, push, a registry
image) or a build (the daemon's classic builder prints another log than BuildKit's)."""

IMAGES = {"alpine:3.20": "lesson:1", "debian:bookworm-slim": "lesson:1", "busybox": "lesson:1"}
"""The lessons' images, replaced by one made from the helper's busybox with the files the boxes
touch (/etc/motd, /etc/issue)."""


@pytest.fixture(scope="module")
def lesson_image(docker: dict[str, str]) -> dict[str, str]:  # noqa: F811
    subprocess.run(
        "docker run --name prep app:1 sh -c 'echo hi > /etc/issue && echo hello > /etc/motd'"
        " && docker commit prep lesson:1 && docker rm prep",
        shell=True, env=docker, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return docker


@pytest.mark.real
@needs_kubectl
def test_the_kubectl_dry_runs_run(tmp_path: Path) -> None:
    block = boxes()["09"].splitlines()
    create = next(line for line in block if "create deployment" in line)
    resources = next(line for line in block if "set resources" in line)
    subprocess.run(
        create.split("#")[0], shell=True, cwd=tmp_path, check=True, timeout=60, capture_output=True
    )
    out = subprocess.run(
        resources.split("  #")[0],
        shell=True,
        cwd=tmp_path,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout
    assert "requests:" in out and "cpu: 500m" in out and "memory: 512Mi" in out


@pytest.mark.real
@pytest.mark.parametrize("lesson", ["01", "02", "04", "06", "07"])
def test_the_docker_commands_run(lesson: str, lesson_image: dict[str, str]) -> None:
    """Each runnable line of the box, in order, against the private daemon; a line that uses an
    image a skipped line would have built is skipped too."""
    ran, unavailable = 0, set[str]()
    for line in boxes()[lesson].splitlines():
        code = line.split("  #")[0].strip()
        words = commands(code)
        if not words or any(w[0] != "docker" or w[1] not in RUNNABLE for w in words):
            unavailable |= set(re.findall(r"(?:-t|commit \S+|--name) (\S+)", code))
            continue
        if any(name in code for name in unavailable):
            unavailable |= set(re.findall(r"--name (\S+)", code))
            continue
        if "/sys/fs/cgroup/" in code and (
            Path("/sys/fs/cgroup/cgroup.controllers").exists() != ("cpu.max" in code)
        ):
            continue  # the line for the other cgroup version than this host's
        for name, local in IMAGES.items():
            code = code.replace(name, local)
        code = code.replace("sleep 600", "sleep 60")
        proc = subprocess.run(
            code, shell=True, env=lesson_image, capture_output=True, text=True, timeout=120, check=False
        )
        assert proc.returncode == 0, f"lesson {lesson}: {code}\n{proc.stderr}"
        ran += 1
    assert ran >= 2, f"lesson {lesson}: only {ran} commands could run here"
