"""Signals and exit codes of a container's main process (PID 1 of its PID namespace).

Rules (Linux ``pid_namespaces(7)``, ``signal(7)``; moby ``daemon/stop.go`` and ``daemon/kill.go``):

* a process killed by signal *n* exits with status ``128 + n`` as the shell and Docker show it:
  SIGTERM (15) -> 143, SIGKILL (9) -> 137, SIGINT (2) -> 130;
* PID 1 of a container gets, from outside its namespace, only the signals it has a handler
  for, plus SIGKILL and SIGSTOP: ``sleep`` as PID 1 ignores ``docker stop``'s SIGTERM, so the
  daemon sends SIGKILL after the timeout (10 s by default): exit 137;
* with ``init=True`` (``docker run --init``: tini/catatonit as PID 1) the signal is forwarded to
  the program, which dies of its default action: exit 143;
* ``docker stop`` and ``docker kill`` (with SIGKILL or the stop signal) mark the container
  manually stopped: its restart policy does not bring it back.
"""

from __future__ import annotations

from ..errors import InvalidResource

__all__ = ["DEFAULT_STOP_TIMEOUT", "SIGNALS", "exit_code_of", "parse_signal", "signal_name"]

DEFAULT_STOP_TIMEOUT = 10  # seconds: moby daemon config DefaultStopTimeout

# x86-64/arm64 Linux numbering (signal(7)).
SIGNALS: dict[str, int] = {
    "SIGHUP": 1,
    "SIGINT": 2,
    "SIGQUIT": 3,
    "SIGILL": 4,
    "SIGTRAP": 5,
    "SIGABRT": 6,
    "SIGBUS": 7,
    "SIGFPE": 8,
    "SIGKILL": 9,
    "SIGUSR1": 10,
    "SIGSEGV": 11,
    "SIGUSR2": 12,
    "SIGPIPE": 13,
    "SIGALRM": 14,
    "SIGTERM": 15,
    "SIGCHLD": 17,
    "SIGCONT": 18,
    "SIGSTOP": 19,
    "SIGTSTP": 20,
    "SIGWINCH": 28,
}
_NAMES = {n: name for name, n in SIGNALS.items()}
# Signals whose default action is not to terminate (signal(7)): ignored or stop/continue.
NOT_FATAL = frozenset({17, 18, 19, 20, 28})


def parse_signal(sig: int | str, field: str = "signal") -> int:
    """``"SIGTERM"``, ``"TERM"``, ``"15"`` or ``15`` -> 15 (as ``docker kill -s`` accepts)."""
    if isinstance(sig, bool):
        raise InvalidResource(field, sig, "give a signal name like 'SIGTERM' or a number")
    if isinstance(sig, int):
        if sig in _NAMES:
            return sig
        raise InvalidResource(field, sig, f"unknown signal number; known: {sorted(_NAMES)}")
    if isinstance(sig, str):
        text = sig.strip().upper()
        if text.isdigit():
            return parse_signal(int(text), field)
        name = text if text.startswith("SIG") else "SIG" + text
        if name in SIGNALS:
            return SIGNALS[name]
    raise InvalidResource(field, sig, f"unknown signal; known: {', '.join(SIGNALS)}")


def signal_name(n: int) -> str:
    return _NAMES.get(n, str(n))


def exit_code_of(signal: int) -> int:
    """The exit status of a process killed by ``signal``: 128 + n."""
    return 128 + signal
