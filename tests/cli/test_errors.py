"""Unknown commands and flags, missing arguments: Docker's messages and exit statuses, as typed.

Expected text transcribed from docker/cli v20.10.27: ``cmd/docker/docker.go`` (unknown command:
``docker: 'x' is not a docker command.\\nSee 'docker --help'``, status 1), ``cli/cobra.go``
``FlagErrorFunc`` (``<pflag error>\\nSee 'docker images --help'.``, status 125; pflag says
``unknown flag: --x`` and ``unknown shorthand flag: 'x' in -x``) and ``cli/required.go``
(``"docker history" requires exactly 1 argument.``, status 1).
"""

from __future__ import annotations

import pytest

from simulator.cli._context import COMMANDS

from ._helpers import cli, layerlab


def test_unknown_command_names_the_nearest_one() -> None:
    r = layerlab("imagse")
    assert r.status == 1
    assert r.out == ""
    assert r.err.startswith("layerlab: 'imagse' is not a layerlab command.\nSee 'layerlab --help'")
    assert "Did you mean this?\n\timages" in r.err


def test_unknown_command_with_nothing_near_has_no_suggestion() -> None:
    r = cli("xyzzyq")
    assert r.status == 1
    assert "Did you mean" not in r.err


def test_unknown_long_flag_is_125_with_the_nearest_flag() -> None:
    r = layerlab("history", "--no-trun", "busybox")
    assert r.status == 125
    assert r.err.startswith("unknown flag: --no-trun\nSee 'layerlab history --help'.")
    assert "\t--no-trunc" in r.err


def test_unknown_shorthand_flag() -> None:
    r = cli("ps", "-x")
    assert r.status == 125
    assert r.err.startswith("unknown shorthand flag: 'x' in -x\nSee 'layerlab ps --help'.")


def test_flags_are_not_abbreviated() -> None:
    # pflag has no prefix matching: --no-tr is unknown, not --no-trunc
    assert cli("images", "--no-tr").status == 125


def test_missing_argument_is_status_1_with_usage() -> None:
    r = cli("history")
    assert r.status == 1
    assert r.err.startswith(
        "\"layerlab history\" requires exactly 1 argument.\nSee 'layerlab history --help'."
    )
    assert "Usage:  layerlab history [OPTIONS] IMAGE" in r.err


def test_at_least_and_at_most() -> None:
    assert cli("rmi").err.startswith('"layerlab rmi" requires at least 1 argument.')
    r = cli("images", "a", "b")
    assert r.status == 1
    assert r.err.startswith('"layerlab images" requires at most 1 argument.')


def test_flag_without_its_value() -> None:
    r = cli("build", "-f")
    assert r.status == 125
    assert r.err.startswith("flag needs an argument: 'f' in -f")
    assert cli("images", "--format").err.startswith("flag needs an argument: --format")


def test_invalid_choice() -> None:
    r = cli("inspect", "--type", "volume", "x")
    assert r.status == 125
    assert r.err.startswith('invalid argument "volume" for "--type" flag')


def test_unknown_global_flag() -> None:
    r = cli("--rot", "/tmp", "images")
    assert r.status == 125
    assert "unknown flag: --rot" in r.err and "\t--root" in r.err


def test_unknown_system_subcommand() -> None:
    r = cli("system", "dff")
    assert r.status == 1
    assert "'dff' is not a layerlab system command" in r.err and "\tdf" in r.err


@pytest.mark.parametrize(
    "words",
    [[name] for name in COMMANDS[""]] + [["system", name] for name in COMMANDS["system"]],
)
def test_every_command_has_help(words: list[str]) -> None:
    r = cli(*words, "--help")
    assert r.status == 0
    assert r.out.startswith(f"\nUsage:  layerlab {' '.join(words)}")
    assert "Options:\n  -h, --help" in r.out


def test_top_level_help_lists_every_command() -> None:
    r = layerlab("--help")
    assert r.status == 0
    for name in COMMANDS[""]:
        assert f"\n  {name} " in r.out
    assert "\n  system " in r.out


def test_console_script_is_declared() -> None:
    import tomllib

    from ._helpers import ROOT

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"layerlab": "simulator.cli:main"}
