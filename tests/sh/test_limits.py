"""Issue 15: limits a teacher can set, streaming pipes, interrupts, the shell's own errors.

Expected outputs of shell semantics were checked with busybox 1.35 ``sh -c`` on this machine
(``$((9223372036854775807 + 1))``, ``head -c 5 /dev/zero``, heredoc syntax errors: status 2).
"""

from __future__ import annotations

import sys
import time

import pytest

from simulator.limits import Budget, InvalidLimits, LimitExceeded, Limits, MiB
from simulator.sh.run import exec_in, run_argv, run_script
from tests.sh.test_shell import APPLETS
from tests.sh.test_shell import container as _container


def container():  # type: ignore[no-untyped-def]
    return _container(applets=(*APPLETS, "yes", "truncate", "tr"))


def run(script: str, limits: Limits | None = None) -> tuple[int, str, str]:
    result = run_script(container(), script, limits=limits)
    return result.exit_code, result.stdout, result.stderr


def test_a_long_loop_is_legitimate_work() -> None:
    code, out, _ = run("i=0; while [ $i -lt 100001 ]; do i=$((i+1)); done; echo $i", Limits(time=None))
    assert (code, out) == (0, "100001\n")


@pytest.mark.parametrize(
    "script",
    ["while :; do :; done", "while :; do while :; do :; done; done", "while :; do echo x > /tmp/f; done",
     "f() { :; }; while true; do f; done", "for i in 1 2; do while :; do :; done; done"],
)  # fmt: skip
def test_the_step_limit_stops_runaway_loops(script: str) -> None:
    code, _, err = run(script, Limits(steps=20_000))
    assert code == 152
    assert err.endswith(
        "layerlab: command killed: CPU limit of 20,000 steps reached (Limits(steps=...) or engine.limits)\n"
    )


def test_the_time_limit_stops_a_loop() -> None:
    started = time.monotonic()
    code, _, err = run("while :; do :; done", Limits(steps=None, time=0.3))
    assert code == 152 and "CPU time limit of 0.3 s" in err
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("script", ["x=a; while :; do x=$x$x; done", 'printf "%01000000000d" 1'])
def test_the_memory_limit_is_an_oom_kill(script: str) -> None:
    code, _, err = run(script, Limits(memory=8 * MiB, disk=None, steps=None))
    assert code == 137
    assert "layerlab: command killed: memory limit 8 MiB reached" in err


def test_a_file_doubling_in_a_loop_fills_the_disk_not_memory() -> None:
    # Redirections stream into the file (they hold at most a chunk), so a file doubling in a
    # loop is file data: the writable layer's disk limit stops it (ENOSPC), and the loop,
    # which ignores the failures, is then ended by the CPU time limit -- as on a real host.
    script = "while :; do cat /data/f /data/f >> /tmp/g; cp /tmp/g /tmp/h; cat /tmp/h >> /tmp/g; done"
    code, _, err = run(script, Limits(memory=8 * MiB, disk=32 * MiB, time=2))
    assert code == 152 and "CPU time limit of 2 s reached" in err
    assert "No space left on device" in err


def test_the_output_limit() -> None:
    code, out, err = run("yes", Limits(output=1 * MiB))
    assert code == 153 and len(out) <= 1 * MiB and "output limit 1 MiB reached" in err


def test_the_disk_limit_is_enospc() -> None:
    c = container()
    # as on ext4: truncate makes a hole, which takes no block; writing real bytes counts
    result = run_script(c, "truncate -s 2G /tmp/big; echo $?", limits=Limits(disk=1 * MiB))
    assert (result.stdout, result.stderr) == ("0\n", "")
    assert c.stat("/tmp/big").size == 2 << 30 and c.stat("/tmp/big").allocated == 0
    result = run_script(c, "head -c 2000000 /dev/zero > /tmp/x; echo $?", limits=Limits(disk=1 * MiB))
    assert "No space left on device" in result.stderr
    result = run_script(
        c, "while :; do cat /data/f >> /tmp/g || break; done", limits=Limits(disk=4096, steps=5000)
    )
    assert "write error: No space left on device" in result.stderr
    assert len(c.read_file("/tmp/g")) <= 4096


def test_pipes_stream() -> None:
    started = time.monotonic()
    assert run("seq 1 100000000 | head -n 1") == (0, "1\n", "")
    assert run("yes | head -n 2") == (0, "y\ny\n", "")
    assert run("x=$(yes | head -n 2); echo $x") == (0, "y y\n", "")
    assert time.monotonic() - started < 10


def test_a_writer_whose_reader_is_gone_dies_of_sigpipe() -> None:
    assert run("set -o pipefail; yes | head -n 1; echo $?") == (0, "y\n141\n", "")
    assert run("while :; do echo a; done | head -n 3") == (0, "a\na\na\n", "")
    assert run("printf 'a\\nb\\nc\\n' | while read l; do echo [$l]; done") == (0, "[a]\n[b]\n[c]\n", "")


def test_head_c_dev_zero_gives_nuls() -> None:  # busybox: `head -c 5 /dev/zero | od` shows 5 NULs
    assert run("head -c 5 /dev/zero | wc -c") == (0, "5\n", "")


@pytest.mark.parametrize(
    ("expr", "out"),
    [("9223372036854775807 + 1", "-9223372036854775808"), ("-9223372036854775807 - 2", "9223372036854775807"),
     ("1 << 64", "1"), ("2 * 4611686018427387904", "-9223372036854775808")],
)  # fmt: skip
def test_arithmetic_wraps_at_64_bits(expr: str, out: str) -> None:  # busybox 1.35
    assert run(f"echo $(({expr}))") == (0, out + "\n", "")


@pytest.mark.parametrize("body", ["`echo", "$(echo", "${x"])
def test_syntax_errors_in_heredocs(body: str) -> None:
    code, out, err = run(f"cat <<EOF\n{body}\nEOF\necho after\n")
    assert (code, out) == (2, "") and err.startswith("/bin/sh: syntax error: ")


def test_quoted_heredoc_bodies_are_not_parsed() -> None:
    assert run("cat <<'EOF'\n`echo\nEOF\n") == (0, "`echo\n", "")


@pytest.mark.parametrize("python_limit", [200, 1000, 100_000])
def test_shell_recursion_is_bounded_by_the_shell(python_limit: int) -> None:
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(python_limit)
    try:
        code, _, err = run("f() { f; }; f; echo $?")
    finally:
        sys.setrecursionlimit(saved)
    assert (code, err) == (0, "/bin/sh: f: function nesting too deep\n")


def test_non_utf8_names_print() -> None:
    name = b"caf\xe9".decode("utf-8", "surrogateescape")
    c = container()
    c.write_file(f"/data/{name}", b"x")
    result = exec_in(_Running(c), "ls /data; cp /data/caf* /tmp/; ls /tmp")
    assert result.exit_code == 0
    assert result.output.count(b"caf\xe9") == 2


class _Running:
    def __init__(self, c: object) -> None:
        self._c = c
        self.image = c.image  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._c, name)


@pytest.mark.parametrize(
    ("call", "error"),
    [(lambda c: run_argv(c, ["ls", 5]), TypeError), (lambda c: run_argv(c, "ls"), TypeError),
     (lambda c: run_script(c, b"ls"), TypeError), (lambda c: run_script(c, "ls", uid=-1), ValueError),
     (lambda c: run_script(c, "ls", cwd="tmp"), ValueError), (lambda c: run_script(c, "ls", limits=5), InvalidLimits),
     (lambda c: exec_in(_Running(c), ["ls", 5]), TypeError)],
)  # fmt: skip
def test_argument_checks(call: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        call(container())  # type: ignore[operator]


@pytest.mark.parametrize(
    "bad", [{"steps": 0}, {"memory": -1}, {"time": "1"}, {"disk": True}, {"output": 1.5}]
)
def test_limits_check_their_fields(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidLimits, match=f"Limits.{next(iter(bad))}="):
        Limits(**bad)  # type: ignore[arg-type]


def test_an_interrupt_stops_the_command_and_keeps_what_was_written() -> None:
    c = container()
    budget_stop = Budget.tick

    calls = {"n": 0}

    def tick(self: Budget, n: int = 1) -> None:
        calls["n"] += 1
        if calls["n"] == 50:
            raise KeyboardInterrupt
        budget_stop(self, n)

    Budget.tick = tick  # type: ignore[method-assign]
    try:
        with pytest.raises(KeyboardInterrupt):
            run_script(c, "echo one > /tmp/a; while :; do echo x | cat >> /tmp/b; done")
    finally:
        Budget.tick = budget_stop  # type: ignore[method-assign]
    assert c.read_file("/tmp/a") == b"one\n"


def test_limit_exceeded_names_the_limit() -> None:
    exc = LimitExceeded("memory", 256 * MiB)
    assert exc.status == 137
    assert (
        exc.message
        == "layerlab: command killed: memory limit 256 MiB reached (out of memory) (Limits(memory=...) or engine.limits)"
    )
