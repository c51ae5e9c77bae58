"""Resource options as the Docker SDK names them, and the cgroup v2 files they become.

``Resources.from_options(mem_limit="512m", cpus=1.5, pids_limit=100, cpu_shares=512)`` checks the
values the way the daemon does (moby ``daemon/daemon_unix.go``, ``verifyPlatformContainerResources``)
and :meth:`Resources.cgroup` gives the files runc writes on a cgroup v2 host (opencontainers/runc
``libcontainer/cgroups/fs2``): ``cpu.max``, ``memory.max``, ``memory.swap.max``, ``pids.max`` and
``cpu.weight``.  ``cgroup_v1()`` gives the v1 files (``memory.limit_in_bytes``, ``cpu.cfs_quota_us``
...) that a real ``podman``/``runc`` writes on a v1 host, for comparison with the real thing.

Limits are caps, not reservations: Docker admits every container whatever the host holds (the
host then throttles or OOM-kills); Kubernetes admits pods by their *requests*.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidResource

__all__ = [
    "CPU_PERIOD_DEFAULT",
    "MIN_MEMORY",
    "Cgroup",
    "Resources",
    "cpu_weight",
    "parse_bytes",
]

# moby daemon/daemon_unix.go: getCPUResources uses a 100 ms period for NanoCPUs; linuxMinMemory.
CPU_PERIOD_DEFAULT = 100_000  # µs
MIN_MEMORY = 6_291_456  # "Minimum memory limit allowed is 6MB"
# cgroup v1 cpu.shares range and default (kernel; moby linuxMinCPUShares / linuxMaxCPUShares).
SHARES_MIN, SHARES_MAX, SHARES_DEFAULT = 2, 262_144, 1024
WEIGHT_MIN, WEIGHT_MAX, WEIGHT_DEFAULT = 1, 10_000, 100

_UNITS = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}  # docker-py utils.parse_bytes


def parse_bytes(value: int | str, field_name: str = "mem_limit") -> int:
    """A size as the Docker SDK takes it: an int (bytes) or ``"512m"``, ``"1g"``, ``"64k"``, ``"100b"``.

    Units are binary (k = 1024), as docker-py's ``parse_bytes``; a trailing ``b`` after a unit
    (``"512mb"``) is allowed.
    """
    if isinstance(value, bool):
        raise InvalidResource(field_name, value, "give a number of bytes or a string like '512m'")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str):
        raise InvalidResource(field_name, value, "give a number of bytes or a string like '512m'")
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([bkmgBKMG]?)[bB]?\s*", value)
    if m is None:
        raise InvalidResource(
            field_name, value, "units need to be one of b, k, m, g (binary: 1k = 1024), e.g. '512m'"
        )
    number, unit = m.groups()
    return int(float(number) * _UNITS[unit.lower() or "b"])


# -- cpu.shares -> cpu.weight: three conversions in use ------------------------------------------
def cpu_weight(shares: int, conversion: str = "cgroups") -> int:
    """The cgroup v2 ``cpu.weight`` that ``cpu_shares`` becomes.

    ``conversion``:
        ``"cgroups"``: opencontainers/cgroups (runc >= 1.3, crun >= 1.23): quadratic in log2 so that
            the defaults meet (1024 -> 100): ``ceil(10^((l² + 125 l)/612 − 7/34))``, ``l = log2(shares)``.
        ``"runc-linear"``: runc <= 1.2 ``ConvertCPUSharesToCgroupV2Value``:
            ``1 + ((shares − 2) × 9999) // 262142`` (1024 -> 39).
        ``"systemd"``: systemd's ``CPUShares=`` -> ``CPUWeight=``: ``shares × 100 // 1024`` clamped
            to 1..10000 (1024 -> 100).
    """
    if shares <= 0:
        raise InvalidResource("cpu_shares", shares, "value must be a positive integer")
    if conversion == "cgroups":
        if shares <= SHARES_MIN:
            return WEIGHT_MIN
        if shares >= SHARES_MAX:
            return WEIGHT_MAX
        level = math.log2(shares)
        return math.ceil(10 ** ((level * level + 125 * level) / 612 - 7 / 34))
    if conversion == "runc-linear":
        shares = min(max(shares, SHARES_MIN), SHARES_MAX)
        return 1 + ((shares - 2) * 9999) // 262142
    if conversion == "systemd":
        return min(max(shares * WEIGHT_DEFAULT // SHARES_DEFAULT, WEIGHT_MIN), WEIGHT_MAX)
    raise ValueError(f"unknown conversion {conversion!r}: use 'cgroups', 'runc-linear' or 'systemd'")


class Cgroup(Mapping[str, str]):
    """A container's cgroup v2 files: file name -> content (what ``cat`` shows, without newline).

    ``labels`` explains each value (the option it came from, and for ``cpu.weight`` every
    conversion with the runtime that uses it).
    """

    __slots__ = ("_files", "labels")

    def __init__(self, files: Mapping[str, str], labels: Mapping[str, str]) -> None:
        self._files = dict(files)
        self.labels = dict(labels)

    def __getitem__(self, name: str) -> str:
        return self._files[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __repr__(self) -> str:
        return "Cgroup(" + ", ".join(f"{k}={v!r}" for k, v in self._files.items()) + ")"

    def table(self) -> str:
        """One line per file: name, value and where it comes from."""
        width = max(len(k) for k in self._files)
        return "\n".join(f"{k:<{width}}  {v!r:<18}  {self.labels.get(k, '')}" for k, v in self._files.items())


@dataclass(frozen=True, slots=True)
class Resources:
    """A container's resource options (Docker's HostConfig fields), validated.

    ``0`` / ``None`` mean "unset" as in Docker.  Build it with :meth:`from_options`.
    """

    memory: int = 0  # bytes (mem_limit); 0 = unlimited
    memory_swap: int = 0  # memory + swap (memswap_limit); 0 = unset (Docker: 2 × memory), -1 = unlimited
    memory_reservation: int = 0
    nano_cpus: int = 0  # 1e9 = one CPU (nano_cpus, --cpus)
    cpu_period: int = 0  # µs (cpu_period)
    cpu_quota: int = 0  # µs per period (cpu_quota); <= 0 = unlimited
    cpu_shares: int = 0  # relative weight (cpu_shares); 0 = default 1024
    pids_limit: int = 0  # <= 0 = unlimited
    notes: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_options(cls, *, host_cpus: int | None = None, **options: Any) -> Resources:
        """Check the Docker SDK's options (``mem_limit``, ``memswap_limit``, ``mem_reservation``,
        ``nano_cpus`` or ``cpus``, ``cpu_period``, ``cpu_quota``, ``cpu_shares``, ``pids_limit``).

        Raises:
            InvalidResource: naming the option, with the daemon's own message where it has one.
        """
        known = {
            "mem_limit",
            "memswap_limit",
            "mem_reservation",
            "nano_cpus",
            "cpus",
            "cpu_period",
            "cpu_quota",
            "cpu_shares",
            "pids_limit",
        }
        unknown = sorted(set(options) - known)
        if unknown:
            raise InvalidResource(
                unknown[0], options[unknown[0]], f"not a resource option; known: {', '.join(sorted(known))}"
            )
        opts = {k: v for k, v in options.items() if v is not None}
        memory = parse_bytes(opts.get("mem_limit", 0), "mem_limit")
        swap = parse_bytes(opts.get("memswap_limit", 0), "memswap_limit")
        reservation = parse_bytes(opts.get("mem_reservation", 0), "mem_reservation")
        ints = {}
        for name in ("nano_cpus", "cpu_period", "cpu_quota", "cpu_shares", "pids_limit"):
            value = opts.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidResource(name, value, "give an integer")
            ints[name] = value
        nano = ints["nano_cpus"]
        if "cpus" in opts:
            cpus = opts["cpus"]
            if isinstance(cpus, bool) or not isinstance(cpus, (int, float, str)):
                raise InvalidResource("cpus", cpus, "give a number of CPUs such as 1.5")
            try:
                value = float(cpus)
            except ValueError:
                raise InvalidResource("cpus", cpus, "give a number of CPUs such as 1.5") from None
            if nano:
                raise InvalidResource("cpus", cpus, "give either cpus or nano_cpus, not both")
            nano = round(value * 1e9)  # docker/cli opts.NanoCPUs: a decimal -> int64 nanoCPUs
            if nano == 0 and value != 0:
                raise InvalidResource("cpus", cpus, "too small: the finest step is 0.000000001 CPU")
        # The daemon's checks, in its order (moby daemon/daemon_unix.go).
        if memory < 0:
            raise InvalidResource("mem_limit", memory, "must not be negative")
        if memory and memory < MIN_MEMORY:
            raise InvalidResource("mem_limit", memory, "Minimum memory limit allowed is 6MB")
        if memory > 0 and swap > 0 and swap < memory:
            raise InvalidResource(
                "memswap_limit",
                swap,
                "Minimum memoryswap limit should be larger than memory limit, see usage",
            )
        if memory == 0 and swap > 0:
            raise InvalidResource(
                "memswap_limit",
                swap,
                "You should always set the Memory limit when using Memoryswap limit, see usage",
            )
        if reservation and reservation < MIN_MEMORY:
            raise InvalidResource("mem_reservation", reservation, "Minimum memory reservation allowed is 6MB")
        if memory > 0 and reservation > 0 and memory < reservation:
            raise InvalidResource(
                "mem_limit",
                memory,
                "Minimum memory limit can not be less than memory reservation limit, see usage",
            )
        if nano > 0 and ints["cpu_period"] > 0:
            raise InvalidResource(
                "nano_cpus", nano, "Conflicting options: Nano CPUs and CPU Period cannot both be set"
            )
        if nano > 0 and ints["cpu_quota"] > 0:
            raise InvalidResource(
                "nano_cpus", nano, "Conflicting options: Nano CPUs and CPU Quota cannot both be set"
            )
        if nano != 0 and host_cpus is not None and (nano < 0 or nano > host_cpus * 10**9):
            raise InvalidResource(
                "cpus" if "cpus" in opts else "nano_cpus",
                opts.get("cpus", nano),
                f"range of CPUs is from 0.01 to {host_cpus}.00, as there are only {host_cpus} CPUs available",
            )
        if nano < 0:
            raise InvalidResource("nano_cpus", nano, "must not be negative")
        period = ints["cpu_period"]
        if period != 0 and not 1000 <= period <= 1_000_000:
            raise InvalidResource(
                "cpu_period",
                period,
                "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)",
            )
        if 0 < ints["cpu_quota"] < 1000:
            raise InvalidResource(
                "cpu_quota", ints["cpu_quota"], "CPU cfs quota can not be less than 1ms (i.e. 1000)"
            )
        if ints["cpu_shares"] < 0:
            raise InvalidResource(
                "cpu_shares",
                ints["cpu_shares"],
                f"invalid CPU shares ({ints['cpu_shares']}): value must be a positive integer",
            )
        return cls(
            memory=memory,
            memory_swap=swap,
            memory_reservation=reservation,
            nano_cpus=nano,
            cpu_period=period,
            cpu_quota=ints["cpu_quota"],
            cpu_shares=ints["cpu_shares"],
            pids_limit=ints["pids_limit"],
        )

    # -- what runc is given (the OCI spec's linux.resources) -----------------------------------------
    @property
    def period(self) -> int:
        """CFS period in µs: ``cpu_period``, else 100000 (moby: 100 ms for NanoCPUs, kernel default)."""
        return self.cpu_period or CPU_PERIOD_DEFAULT

    @property
    def quota(self) -> int:
        """CFS quota in µs per period; ``-1`` = unlimited.  NanoCPUs × period / 1e9 (moby getCPUResources)."""
        if self.nano_cpus > 0:
            return self.nano_cpus * CPU_PERIOD_DEFAULT // 10**9
        return self.cpu_quota if self.cpu_quota > 0 else -1

    @property
    def cpu_limit(self) -> float | None:
        """CPUs the quota allows (quota / period), or ``None`` when unlimited."""
        return None if self.quota < 0 else self.quota / self.period

    @property
    def swap_total(self) -> int:
        """OCI ``memory.swap`` (memory + swap): unset -> 2 × memory (Docker's default); -1 = unlimited."""
        if self.memory == 0:
            return -1
        if self.memory_swap == 0:
            return 2 * self.memory
        return self.memory_swap

    # -- the files ---------------------------------------------------------------------------------
    def cgroup(self, conversion: str = "cgroups") -> Cgroup:
        """The cgroup v2 files runc writes (``fs2``), with labels saying where each comes from.

        ``conversion`` picks the ``cpu.weight`` formula shown as the value (see :func:`cpu_weight`);
        the label gives all three.
        """
        files: dict[str, str] = {}
        labels: dict[str, str] = {}
        quota = self.quota
        files["cpu.max"] = f"{'max' if quota < 0 else quota} {self.period}"
        if self.nano_cpus:
            labels["cpu.max"] = (
                f"nano_cpus={self.nano_cpus}: quota = nano_cpus × 100000 / 1e9 µs per 100000 µs"
            )
        elif quota >= 0 or self.cpu_period:
            labels["cpu.max"] = f"cpu_quota={self.cpu_quota}, cpu_period={self.cpu_period or 'default'}"
        else:
            labels["cpu.max"] = "unlimited (kernel default)"
        shares = self.cpu_shares
        if shares:
            files["cpu.weight"] = str(cpu_weight(shares, conversion))
            labels["cpu.weight"] = (
                f"cpu_shares={shares}: {cpu_weight(shares, 'cgroups')} with runc >= 1.3 / crun >= 1.23 "
                f"(opencontainers/cgroups), {cpu_weight(shares, 'runc-linear')} with runc <= 1.2 (linear), "
                f"{cpu_weight(shares, 'systemd')} with systemd's CPUShares= conversion"
            )
        else:
            files["cpu.weight"] = str(WEIGHT_DEFAULT)
            labels["cpu.weight"] = "default (cpu_shares unset = 1024)"
        files["memory.max"] = str(self.memory) if self.memory else "max"
        labels["memory.max"] = f"mem_limit={self.memory}" if self.memory else "unlimited"
        total = self.swap_total
        if total < 0:
            files["memory.swap.max"] = "max"
            labels["memory.swap.max"] = (
                "unlimited" if self.memory == 0 else "memswap_limit=-1: unlimited swap"
            )
        else:
            files["memory.swap.max"] = str(total - self.memory)
            labels["memory.swap.max"] = (
                f"memswap_limit − mem_limit = {total} − {self.memory} (runc: v2 counts swap alone)"
                + ("; memswap_limit unset: Docker uses 2 × mem_limit" if self.memory_swap == 0 else "")
            )
        files["memory.low"] = str(self.memory_reservation) if self.memory_reservation else "0"
        labels["memory.low"] = (
            f"mem_reservation={self.memory_reservation} (soft limit)" if self.memory_reservation else "unset"
        )
        files["pids.max"] = str(self.pids_limit) if self.pids_limit > 0 else "max"
        labels["pids.max"] = (
            f"pids_limit={self.pids_limit}" if self.pids_limit > 0 else "unlimited (pids_limit <= 0)"
        )
        return Cgroup(files, labels)

    def cgroup_v1(self) -> dict[str, str]:
        """The cgroup v1 files for the same options (what podman/runc write on a v1 host)."""
        unlimited = "9223372036854771712"  # the kernel shows PAGE_COUNTER_MAX × 4096 for "no limit"
        return {
            "memory.limit_in_bytes": str(self.memory) if self.memory else unlimited,
            "memory.memsw.limit_in_bytes": str(self.swap_total) if self.swap_total > 0 else unlimited,
            "cpu.cfs_period_us": str(self.period),
            "cpu.cfs_quota_us": str(self.quota),
            "cpu.shares": str(self.cpu_shares or SHARES_DEFAULT),
            "pids.max": str(self.pids_limit) if self.pids_limit > 0 else "max",
        }
