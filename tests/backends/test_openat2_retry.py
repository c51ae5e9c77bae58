"""openat2's EAGAIN: with RESOLVE_IN_ROOT the kernel refuses a walk through ``..`` that a rename
elsewhere raced (openat2(2): "the caller may choose to retry").  The backend retries a bounded
number of times; the parity test met it as a spurious ``BlockingIOError`` while other jobs ran."""

from __future__ import annotations

import errno
import sys

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="openat2 is a Linux system call")


def _flaky(failures: int) -> tuple[list[str], object]:
    calls: list[str] = []

    def syscall(name: str, *args: object) -> int:
        calls.append(name)
        if len(calls) <= failures:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        return 7

    return calls, syscall


def test_an_eagain_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.backends.overlayfs import _sys

    calls, syscall = _flaky(3)
    monkeypatch.setattr(_sys, "_syscall", syscall)
    assert _sys.openat2(3, "a/../b", 0, _sys.RESOLVE_IN_ROOT) == 7
    assert calls == ["openat2"] * 4


def test_eagain_that_never_stops_is_reported_with_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.backends.overlayfs import _sys

    calls, syscall = _flaky(10**6)
    monkeypatch.setattr(_sys, "_syscall", syscall)
    with pytest.raises(OSError) as raised:
        _sys.openat2(3, "a/../b", 0, _sys.RESOLVE_IN_ROOT)
    assert (raised.value.errno, raised.value.filename) == (errno.EAGAIN, "a/../b")
    assert len(calls) == _sys.OPENAT2_RETRIES + 1


def test_other_errors_are_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.backends.overlayfs import _sys

    calls: list[str] = []

    def syscall(name: str, *args: object) -> int:
        calls.append(name)
        raise OSError(errno.ENOENT, "No such file or directory")

    monkeypatch.setattr(_sys, "_syscall", syscall)
    with pytest.raises(FileNotFoundError):
        _sys.openat2(3, "missing", 0, _sys.RESOLVE_IN_ROOT)
    assert calls == ["openat2"]
