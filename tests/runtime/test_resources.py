"""Resource options -> cgroup files, and the daemon's refusals (golden values from the sources)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator import Engine
from simulator.errors import InvalidResource
from simulator.runtime import Resources, cpu_weight, parse_bytes


def test_cpus_become_cpu_max_quota_over_period() -> None:
    # CLUSTER.md A; moby daemon_unix.go getCPUResources: period 100 ms, quota = NanoCPUs*period/1e9
    assert Resources.from_options(cpus=1.5).cgroup()["cpu.max"] == "150000 100000"
    assert Resources.from_options(nano_cpus=500_000_000).cgroup()["cpu.max"] == "50000 100000"
    assert Resources.from_options(cpus="0.01").cgroup()["cpu.max"] == "1000 100000"
    assert Resources().cgroup()["cpu.max"] == "max 100000"
    assert Resources.from_options(cpu_period=50000, cpu_quota=25000).cgroup()["cpu.max"] == "25000 50000"
    assert Resources.from_options(cpu_period=50000).cgroup()["cpu.max"] == "max 50000"


def test_memory_files() -> None:
    c = Resources.from_options(mem_limit="512m").cgroup()
    assert c["memory.max"] == "536870912"
    # memswap unset -> Docker sets 2 x memory (moby adaptContainerSettings); runc writes swap alone
    assert c["memory.swap.max"] == "536870912"
    assert Resources().cgroup()["memory.max"] == "max"
    assert Resources().cgroup()["memory.swap.max"] == "max"
    assert Resources.from_options(mem_limit="64m", memswap_limit="64m").cgroup()["memory.swap.max"] == "0"
    assert Resources.from_options(mem_limit="64m", memswap_limit=-1).cgroup()["memory.swap.max"] == "max"


# opencontainers/cgroups utils_test.go TestConvertMemorySwapToCgroupV2Value, the cases Docker can
# express (memory > 0): (memswap, memory) -> swap.max
@pytest.mark.parametrize(
    ("memswap", "memory", "expected"),
    [(-1, 8_000_000, "max"), (8_000_000, 8_000_000, "0"), (20_000_000, 8_000_000, "12000000")],
)
def test_swap_conversion_cases(memswap: int, memory: int, expected: str) -> None:
    assert (
        Resources.from_options(mem_limit=memory, memswap_limit=memswap).cgroup()["memory.swap.max"]
        == expected
    )


def test_pids_max() -> None:
    assert Resources.from_options(pids_limit=100).cgroup()["pids.max"] == "100"
    for unlimited in (0, -1):  # moby getPidsLimit: <= 0 means unlimited
        assert Resources.from_options(pids_limit=unlimited).cgroup()["pids.max"] == "max"


# opencontainers/cgroups utils_test.go TestConvertCPUSharesToCgroupV2Value (runc >= 1.3)
@pytest.mark.parametrize(
    ("shares", "weight"),
    [(1, 1), (2, 1), (3, 2), (1024, 100), (262143, 10000), (262144, 10000), (262145, 10000)],
)
def test_cpu_weight_opencontainers_cgroups(shares: int, weight: int) -> None:
    assert cpu_weight(shares, "cgroups") == weight


def test_cpu_weight_other_conversions() -> None:
    # runc <= 1.2 libcontainer/cgroups/utils.go: 1 + ((shares-2)*9999)/262142 (CLUSTER.md A: 1024 -> 39)
    assert cpu_weight(1024, "runc-linear") == 39
    assert cpu_weight(2, "runc-linear") == 1
    assert cpu_weight(262144, "runc-linear") == 10000
    # systemd: shares * 100 / 1024, clamped to 1..10000
    assert cpu_weight(1024, "systemd") == 100
    assert cpu_weight(512, "systemd") == 50
    assert cpu_weight(2, "systemd") == 1


def test_cpu_weight_is_labelled_with_every_conversion() -> None:
    c = Resources.from_options(cpu_shares=1024).cgroup()
    assert c["cpu.weight"] == "100"
    label = c.labels["cpu.weight"]
    assert "100 with runc >= 1.3" in label and "39 with runc <= 1.2" in label and "systemd" in label
    assert Resources.from_options(cpu_shares=1024).cgroup("runc-linear")["cpu.weight"] == "39"
    assert Resources().cgroup()["cpu.weight"] == "100"


@given(st.integers(2, 262144), st.integers(2, 262144))
def test_cpu_weight_is_monotonic_and_in_range(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    for conversion in ("cgroups", "runc-linear", "systemd"):
        assert 1 <= cpu_weight(lo, conversion) <= cpu_weight(hi, conversion) <= 10000


def test_parse_bytes_like_docker_py() -> None:
    assert parse_bytes("512m") == 512 * 1024**2
    assert parse_bytes("1g") == 1024**3
    assert parse_bytes("64k") == 65536
    assert parse_bytes("100b") == 100
    assert parse_bytes("512mb") == 512 * 1024**2
    assert parse_bytes(1000) == 1000
    with pytest.raises(InvalidResource, match="mem_limit"):
        parse_bytes("12x")


# moby daemon/daemon_unix.go verifyPlatformContainerResources: the daemon's own messages
@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"mem_limit": "4m"}, "mem_limit", "Minimum memory limit allowed is 6MB"),
        ({"mem_limit": "64m", "memswap_limit": "32m"}, "memswap_limit", "should be larger than memory limit"),
        ({"memswap_limit": "64m"}, "memswap_limit", "always set the Memory limit"),
        ({"cpus": 1, "cpu_period": 50000}, "nano_cpus", "Nano CPUs and CPU Period cannot both be set"),
        ({"nano_cpus": 10**9, "cpu_quota": 50000}, "nano_cpus", "Nano CPUs and CPU Quota cannot both be set"),
        ({"cpu_period": 500}, "cpu_period", "can not be less than 1ms"),
        ({"cpu_quota": 10}, "cpu_quota", "can not be less than 1ms"),
        ({"cpu_shares": -1}, "cpu_shares", "value must be a positive integer"),
        ({"cpus": 1, "nano_cpus": 10**9}, "cpus", "not both"),
        ({"cpus": "lots"}, "cpus", "number of CPUs"),
        ({"mem_limit": "1.5q"}, "mem_limit", "units"),
        ({"memory": "1g"}, "memory", "not a resource option"),
        ({"mem_reservation": "1g", "mem_limit": "512m"}, "mem_limit", "less than memory reservation"),
    ],
)
def test_refusals_name_the_field(options: dict, field: str, message: str) -> None:
    with pytest.raises(InvalidResource, match=message) as caught:
        Resources.from_options(**options)
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


def test_cpus_beyond_the_host_are_refused_and_nothing_is_created() -> None:
    engine = Engine()
    with pytest.raises(
        InvalidResource, match=r"range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs"
    ):
        engine.containers.create("busybox", "true", cpus=8, name="big")
    with pytest.raises(InvalidResource, match="restart_policy"):
        engine.containers.run("busybox", "true", restart_policy="sometimes", name="big")
    assert len(engine.containers) == 0


def test_container_cgroup_from_the_engine() -> None:
    engine = Engine()
    c = engine.containers.create("busybox", "true", mem_limit="64m", cpus=1.5, pids_limit=100, cpu_shares=512)
    assert dict(c.cgroup) == {
        "cpu.max": "150000 100000",
        "cpu.weight": str(cpu_weight(512)),
        "memory.max": "67108864",
        "memory.swap.max": "67108864",
        "memory.low": "0",
        "pids.max": "100",
    }
    assert "cpu.weight" in c.cgroup.table()


def test_docker_admits_more_than_the_host_holds() -> None:
    engine = Engine()  # 4 CPUs, 8 GiB
    for i in range(10):
        engine.containers.run("busybox", "sleep 1000", detach=True, mem_limit="2g", cpus=4, name=f"c{i}")
    assert engine.host.usage()["memory_limits"] == 10 * 2 * 1024**3  # 20 GiB of limits on 8 GiB
    assert len(engine.containers.list()) == 10
