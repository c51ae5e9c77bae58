"""The host: OOM kills, CFS throttling and sharing, host memory pressure, docker stats."""

from __future__ import annotations

import pytest

from simulator import Engine
from simulator.errors import InvalidResource
from simulator.runtime import Host, Workload, workload_for
from simulator.runtime.stats import bytes_size, cpu_percent, mem_percent, mem_usage

GiB = 1024**3
MiB = 1024**2


def test_over_memory_max_is_oom_killed_137() -> None:
    engine = Engine()
    c = engine.containers.run(
        "busybox", detach=True, workload=Workload(memory="100m", ramp=1), mem_limit="64m"
    )
    engine.host.advance(0.6)
    assert c.status == "running"  # 60 MiB after 0.6 s
    engine.host.advance(0.1)
    assert (c.status, c.exit_code, c.oom_killed) == ("exited", 137, True)
    events = engine.host.cgroup_stat(c)["memory.events"]
    assert events == {"oom": 1, "oom_kill": 1}


def test_stress_vm_loses_its_worker_and_exits_1_with_oomkilled() -> None:
    engine = Engine()
    c = engine.containers.run(
        "busybox", ["stress", "--vm", "1", "--vm-bytes", "128M"], detach=True, mem_limit="64m"
    )
    engine.host.advance(1)
    assert (c.exit_code, c.oom_killed) == (1, True)  # 137 alone would be `docker kill`
    assert b"got signal 9" in c.logs()


def test_stress_ng_respawns_its_worker() -> None:
    engine = Engine()
    c = engine.containers.run(
        "busybox", "stress-ng --vm 1 --vm-bytes 128M --timeout 3", detach=True, mem_limit="64m"
    )
    engine.host.advance(3)
    assert (c.status, c.exit_code, c.oom_killed) == ("exited", 0, True)
    assert engine.host.cgroup_stat(c)["memory.events"]["oom_kill"] > 1


def test_swap_on_the_host_lets_a_container_exceed_memory_max() -> None:
    host = Host(cpus=2, memory="4g", swap="1g")
    engine = Engine(host=host)
    c = engine.containers.run("busybox", detach=True, workload=Workload(memory="100m"), mem_limit="64m")
    host.advance(1)
    assert c.status == "running"  # memory.swap.max = 64m (memswap unset: 2 x memory)
    d = engine.containers.run(
        "busybox", detach=True, workload=Workload(memory="100m"), mem_limit="64m", memswap_limit="64m"
    )
    host.advance(0.1)
    assert d.oom_killed


def test_cpu_is_throttled_at_the_quota_and_stats_show_150_percent() -> None:
    engine = Engine()  # 4 CPUs
    c = engine.containers.run("busybox", ["stress", "--cpu", "2"], detach=True, cpus=1.5, name="busy")
    engine.host.advance(2)
    s = engine.host.stats(c)
    assert s.cpu_percent == pytest.approx(150.0)  # not 37.5 %
    stat = engine.host.cgroup_stat(c)["cpu.stat"]
    assert stat["usage_usec"] == 3_000_000
    assert stat["nr_periods"] == stat["nr_throttled"] == 20
    assert stat["throttled_usec"] == 20 * 25_000  # 100 ms x (1 - 1.5/2) per period
    assert s.pids == 3


def test_cfs_shares_the_host_by_cpu_weight() -> None:
    engine = Engine(host=Host(cpus=2, memory="4g"))
    a = engine.containers.run("busybox", detach=True, workload=Workload(cpu=2), cpu_shares=2048)
    b = engine.containers.run("busybox", detach=True, workload=Workload(cpu=2), cpu_shares=1024)
    engine.host.advance(2)
    wa, wb = int(a.cgroup["cpu.weight"]), int(b.cgroup["cpu.weight"])
    pa, pb = engine.host.stats(a).cpu_percent, engine.host.stats(b).cpu_percent
    assert pa + pb == pytest.approx(200.0)
    assert pa / pb == pytest.approx(wa / wb)


def test_cfs_gives_what_a_capped_container_leaves_to_the_others() -> None:
    engine = Engine(host=Host(cpus=2, memory="4g"))
    a = engine.containers.run("busybox", detach=True, workload=Workload(cpu=2), cpus=0.5)
    b = engine.containers.run("busybox", detach=True, workload=Workload(cpu=2))
    engine.host.advance(2)
    assert engine.host.stats(a).cpu_percent == pytest.approx(50.0)
    assert engine.host.stats(b).cpu_percent == pytest.approx(150.0)


def test_host_memory_pressure_kills_the_biggest_whatever_its_limit() -> None:
    engine = Engine(host=Host(cpus=2, memory="1g"))
    small = engine.containers.run("busybox", detach=True, workload=Workload(memory="300m"), mem_limit="512m")
    big = engine.containers.run("busybox", detach=True, workload=Workload(memory="800m"), mem_limit="900m")
    engine.host.advance(0.1)
    assert big.oom_killed and big.exit_code == 137
    assert small.status == "running" and not small.oom_killed


def test_pids_limit_stops_a_forking_program() -> None:
    engine = Engine()
    c = engine.containers.run("busybox", ["stress", "--cpu", "8"], detach=True, pids_limit=4)
    assert c.exit_code == 1 and b"pids.max is 4" in c.logs()


def test_docker_stats_subtracts_the_page_cache() -> None:
    engine = Engine()
    c = engine.containers.run(
        "busybox",
        detach=True,
        workload=Workload(memory="100m", file_cache="50m"),
        mem_limit="512m",
        name="web",
    )
    engine.host.advance(1)
    s = engine.host.stats(c)
    assert s.usage == 150 * MiB and s.inactive_file == 50 * MiB
    assert s.memory == 100 * MiB and s.memory_limit == 512 * MiB
    assert s.memory_percent == pytest.approx(100 / 512 * 100)
    row = s.row()
    assert row[1:] == ["web", "0.00%", "100MiB / 512MiB", "19.53%", "0B / 0B", "0B / 0B", "1"]
    table = engine.host.stats_table()
    assert table.splitlines()[0].split("   ")[0] == "CONTAINER ID"


def test_the_cache_is_reclaimed_before_an_oom_kill() -> None:
    engine = Engine()
    c = engine.containers.run(
        "busybox", detach=True, workload=Workload(memory="60m", file_cache="100m"), mem_limit="64m"
    )
    engine.host.advance(1)
    assert c.status == "running"
    assert engine.host.stats(c).usage == 64 * MiB


def test_mem_limit_is_the_host_memory_without_one() -> None:
    engine = Engine(host=Host(cpus=1, memory="2g"))
    c = engine.containers.run("busybox", "sleep 100", detach=True)
    engine.host.advance(1)
    assert engine.host.stats(c).memory_limit == 2 * GiB


def test_docker_cli_formulas() -> None:
    # docker/cli stats_helpers.go
    assert cpu_percent(1.5e9, 4e9, 4) == pytest.approx(150.0)
    assert cpu_percent(0, 4e9, 4) == 0.0 and cpu_percent(1e9, 0, 4) == 0.0
    assert mem_usage(150, 50) == 100 and mem_usage(50, 60) == 50
    assert mem_percent(1, 0) == 0.0
    # go-units BytesSize: %.4g with binary units
    assert [bytes_size(n) for n in (0, 1023, 512 * MiB, 1.5 * GiB, 8 * GiB)] == [
        "0B",
        "1023B",
        "512MiB",
        "1.5GiB",
        "8GiB",
    ]


def test_same_lesson_same_numbers() -> None:
    def lesson() -> list[tuple[float, str, str]]:
        engine = Engine()
        engine.containers.run(
            "busybox", "stress --vm 2 --vm-bytes 40m --timeout 5", detach=True, mem_limit="64m"
        )
        engine.containers.run("busybox", "exit 1", detach=True, restart_policy="on-failure:5")
        engine.host.advance(10)
        return engine.host.log

    assert lesson() == lesson()


def test_workload_for_commands() -> None:
    assert workload_for(["sleep", "10"]) == Workload(name="sleep", duration=10)
    s = workload_for(["/bin/sh", "-c", "stress --cpu 2 --vm 1 --vm-bytes 512M --timeout 1m"])
    assert s is not None
    assert (s.cpu, s.memory_bytes, s.pids, s.duration) == (3.0, 512 * MiB, 4, 60)
    assert workload_for(["/bin/sh", "-c", "echo hi; sleep 5"]) is None  # a script runs once
    assert workload_for(["echo", "hi"]) is None
    with pytest.raises(InvalidResource, match="stress --timeout"):
        workload_for(["stress", "--cpu", "1", "--timeout", "soon"])
    with pytest.raises(InvalidResource, match="memory"):
        Workload(memory="lots")


def test_host_refuses_impossible_machines() -> None:
    with pytest.raises(InvalidResource, match="cpus"):
        Host(cpus=0)
    with pytest.raises(InvalidResource, match="seconds"):
        Host().advance(-1)
