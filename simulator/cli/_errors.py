"""The command's errors: each carries the exit status Docker's CLI uses for the same failure.

docker/cli v20.10 (``cmd/docker/docker.go``, ``cli/cobra.go``, ``cli/required.go``):

- an unknown command, a wrong number of arguments and an error from the daemon exit with 1;
- a flag error (unknown flag, missing or invalid value) is a ``StatusError`` with code 125;
- ``docker run`` exits 125 when the container cannot be created, else with the command's status.
"""

from __future__ import annotations

from ..errors import SimulatorError

__all__ = ["CommandError", "UsageError"]


class CommandError(SimulatorError, RuntimeError):
    """A command failed; ``status`` is the process's exit status (1 unless said otherwise)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class UsageError(CommandError, ValueError):
    """The command line itself is wrong: an unknown command or flag, a missing argument."""
