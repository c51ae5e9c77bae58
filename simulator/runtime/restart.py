"""Docker's restart policies and their back-off, on the host's logical clock.

Transcribed from moby ``daemon/internal/restartmanager/restartmanager.go`` (``ShouldRestart``):

* the delay before a restart starts at 100 ms and doubles after each restart, capped at 1 min;
* it goes back to 100 ms when the container ran for 10 s or more before it exited;
* ``always`` restarts whatever the exit code; ``unless-stopped`` too, unless it was stopped by
  hand; ``on-failure[:N]`` restarts on a non-zero exit code, at most N times (0 = no limit);
* ``docker stop``/``docker kill`` cancel the restart manager (moby ``container.ExitOnNext``), so a
  container stopped by hand is never restarted (until started again).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidResource

__all__ = ["BACKOFF_MAX", "BACKOFF_START", "RESET_AFTER", "RestartPolicy", "next_delay"]

BACKOFF_START = 0.1  # s: defaultTimeout = 100 * time.Millisecond
BACKOFF_MAX = 60.0  # s: maxRestartTimeout = 1 * time.Minute
BACKOFF_MULTIPLIER = 2  # backoffMultiplier
RESET_AFTER = 10.0  # s: "if the container ran for more than 10s ... reset the timeout"

_NAMES = ("no", "always", "unless-stopped", "on-failure")


@dataclass(frozen=True, slots=True)
class RestartPolicy:
    """``name`` is ``no``, ``always``, ``unless-stopped`` or ``on-failure``; ``maximum_retry_count``
    only for on-failure (0 = unlimited)."""

    name: str = "no"
    maximum_retry_count: int = 0

    @classmethod
    def parse(cls, value: Any) -> RestartPolicy:
        """``"on-failure:3"`` (the CLI), ``{"Name": "on-failure", "MaximumRetryCount": 3}`` (the SDK),
        ``None``/``""`` (no) or a :class:`RestartPolicy`."""
        if value is None or value == "" or value == {}:
            return cls()
        if isinstance(value, RestartPolicy):
            return value
        if isinstance(value, Mapping):
            name = value.get("Name", "") or "no"
            count = value.get("MaximumRetryCount", 0) or 0
        elif isinstance(value, str):
            name, _, count_text = value.partition(":")
            if count_text and not count_text.isdigit():
                raise InvalidResource(
                    "restart_policy", value, "the retry count must be a whole number: 'on-failure:3'"
                )
            count = int(count_text) if count_text else 0
            if count_text and name != "on-failure":
                raise InvalidResource(
                    "restart_policy",
                    value,
                    f"maximum retry count cannot be used with restart policy '{name}'",
                )
        else:
            raise InvalidResource(
                "restart_policy", value, "give 'always', 'on-failure:3' ... or {'Name': ...}"
            )
        if name not in _NAMES:
            raise InvalidResource(
                "restart_policy", value, f"invalid restart policy '{name}'; use one of {', '.join(_NAMES)}"
            )
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidResource("restart_policy", value, "MaximumRetryCount must be a non-negative integer")
        if count and name != "on-failure":
            raise InvalidResource(
                "restart_policy", value, f"maximum retry count cannot be used with restart policy '{name}'"
            )
        return cls(name, count)

    def should_restart(self, exit_code: int, restart_count: int, manually_stopped: bool) -> bool:
        """Whether the daemon restarts a container that exited (moby ``ShouldRestart``'s switch)."""
        if manually_stopped or self.name == "no":
            return False
        if self.name == "always":
            return True
        if self.name == "unless-stopped":
            return True
        return (self.maximum_retry_count == 0 or restart_count < self.maximum_retry_count) and exit_code != 0

    def __str__(self) -> str:
        return f"{self.name}:{self.maximum_retry_count}" if self.maximum_retry_count else self.name


def next_delay(previous: float, ran_for: float) -> float:
    """The delay before the next restart, given the previous one (0 at first) and how long the
    container ran: 0.1, 0.2, 0.4 ... 60 s, back to 0.1 s after a run of 10 s or more."""
    if ran_for >= RESET_AFTER:
        previous = 0.0
    if previous == 0:
        return BACKOFF_START
    return min(previous * BACKOFF_MULTIPLIER, BACKOFF_MAX)
