# %% [markdown]
# [← 06 The real overlayfs beside the model](06-real-overlayfs.ipynb) | [Index](00-index.ipynb) | [08 Registries and distribution →](08-registries-and-distribution.ipynb)

# %% [markdown]
# # 07 · Containers as processes and resources
#
# **You will be able to**
#
# - say what a running container is on its host: a main process in a cgroup, sharing the host's
#   CPUs and memory with every other container;
# - read the cgroup files Docker's options become (`cpu.max`, `memory.max`, `cpu.weight`) and
#   `docker stats`;
# - predict the exit code of `docker stop` (143 or 137) and of the OOM killer, and what a restart
#   policy does next;
# - tell a *limit* (a cap, which Docker never refuses) from a *reservation*.

# %%
from simulator import Engine
from simulator.runtime import Workload
from simulator.teaching import Probe, check_limits_fit, check_stop_exit_codes
from simulator.viz import host_picture, install_reprs
from simulator.widgets import ContainerPlayground, show

install_reprs()
MiB = 1024**2

# %% [markdown]
# ## 1. A container is a process on a host
#
# `Engine().host` is the machine the containers run on: 4 CPUs and 8 GiB by default.
# `containers.run(..., detach=True)` starts the image's command as the container's **main
# process**, inside its own **cgroup**; the resource options become the cgroup's files.

# %%
engine = Engine()
web = engine.containers.run("busybox", "sleep infinity", detach=True, name="web", mem_limit="512m", cpus=1.5)
busy = engine.containers.run(
    "busybox", "stress --cpu 2 --vm 1 --vm-bytes 200M", detach=True, name="busy", cpus=1.5
)
hog = engine.containers.run(
    "busybox", "stress --vm 1 --vm-bytes 128M", detach=True, name="hog", mem_limit="64m"
)
engine.host.advance(2)  # two seconds of the host's (logical) clock
print(web.cgroup.table())
show(host_picture(engine.host))

# %% [markdown]
# `--cpus 1.5` is `cpu.max = 150000 100000`: 150 ms of CPU time every 100 ms period. `busy` wants
# 3 CPUs and is **throttled** to 1.5. `hog` held 128 MiB under a 64 MiB `memory.max`: the kernel's
# OOM killer killed its worker, and `stress` exited 1 with `OOMKilled` set.
#
# `docker stats` counts CPU % against **one** CPU, so 1.5 CPUs show as 150 %:

# %%
print(engine.host.stats_table())
assert hog.oom_killed and hog.status == "exited"
print(engine.host.cgroup_stat(busy)["cpu.stat"])

# %% [markdown]
# ### `cpu.weight`: one option, two conversions
#
# `--cpu-shares` (cgroup v1's `cpu.shares`, default 1024) becomes cgroup v2's `cpu.weight`
# (default 100), and the runtime's version decides how: recent runc and crun use a curve that maps
# 1024 to 100; runc 1.2 and older used a straight line that maps 1024 to 39.

# %%
shares = engine.containers.run("busybox", "sleep infinity", detach=True, name="shares", cpu_shares=1024)
print("cpu.weight (runc >= 1.3, crun):", shares.cgroup["cpu.weight"])
print("cpu.weight (runc <= 1.2):     ", shares.resources.cgroup("runc-linear")["cpu.weight"])
print(shares.cgroup.labels["cpu.weight"])

# %% [markdown]
# ## 2. Stop, kill, restart
#
# `docker stop` sends SIGTERM, waits (10 s by default), then SIGKILL. The exit code of a process
# killed by signal *n* is 128 + *n*: 143 for SIGTERM, 137 for SIGKILL. But PID 1 of a container
# receives only the signals it has a handler for: `sleep` has none, so it ignores the SIGTERM.

# %%
web.stop(timeout=3)
print(web.status, web.exit_code)
for t, name, event in engine.host.log:
    if name == "web":
        print(f"{t:5.1f}s  {event}")

# %% [markdown]
# A restart policy brings a failed container back after Docker's back-off (100 ms, doubling);
# an OOM kill is a failure, a `docker stop` is not.

# %%
flaky = engine.containers.run(
    "busybox",
    "stress --vm 1 --vm-bytes 128M",
    detach=True,
    name="flaky",
    mem_limit="64m",
    restart_policy="on-failure:3",
)
engine.host.advance(10)
print(flaky.status, flaky.restart_count, flaky.exit_code, flaky.oom_killed)
print([event for _, name, event in engine.host.log if name == "flaky"])

# %% [markdown]
# ### Predict first
#
# A fresh 8 GiB host runs nothing. You start `sleep infinity` with `mem_limit="512m"`. Does the
# host's free memory drop by 512 MiB? Choose in the form, say why, and press **Commit**: the
# answer shows only after that.

# %% tags=["answer:p07_limit"]
probe = Probe("p07_limit")
probe

# %%
fresh = Engine()
free_before = fresh.host.memory - fresh.host.usage()["memory_used"]
sleepers = [
    fresh.containers.run("busybox", "sleep infinity", detach=True, mem_limit="512m") for _ in range(16)
]
fresh.host.advance(1)
free_after = fresh.host.memory - fresh.host.usage()["memory_used"]
limits = fresh.host.usage()["memory_limits"]
probe.reveal(
    "yes" if free_before - free_after >= 512 * MiB else "no",
    f"free before {free_before // MiB} MiB, after {free_after // MiB} MiB, with "
    f"{len(sleepers)} containers whose limits add up to {limits // MiB} MiB",
)

# %% [markdown]
# ## 3. Playground
#
# The containers of the playground are processes on `play.host` too: run a command in one, then
# look at the host again with the cell below.

# %%
play = Engine()
playground = ContainerPlayground(play, "busybox", containers=1)
playground

# %%
show(host_picture(play.host))

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** `scene` starts three containers. What exit code does each one have after
# `docker stop` (`c.stop()`, 10 s timeout)? `graceful` has a SIGTERM handler that exits 0;
# `tini` runs with `--init`. Answer with a dict; run `c.stop()` only to check afterwards.


# %%
def scene(engine):
    engine.containers.run("busybox", "sleep infinity", detach=True, name="plain")
    engine.containers.run(
        "busybox",
        "server",
        detach=True,
        name="graceful",
        workload=Workload(traps=frozenset({15}), trap_exit_code=0),
    )
    engine.containers.run("busybox", "sleep infinity", detach=True, name="tini", init=True)


# %% tags=["answer:ex07_stop"]
exit_codes = ...  # {"plain": ..., "graceful": ..., "tini": ...}

# %%
check_stop_exit_codes(scene, exit_codes)

# %% [markdown]
# **Exercise 2.** Write `run_hog(engine)`: it starts `HOG` detached, with at most 1 CPU and a
# memory limit of at most 512 MiB under which it is **not** OOM-killed, and returns the container.

# %%
HOG = "stress --cpu 2 --vm 1 --vm-bytes 300M"

# %% tags=["answer:ex07_limits"]
run_hog = ...  # def run_hog(engine): return engine.containers.run("busybox", HOG, detach=True, ...)

# %%
check_limits_fit(run_hog)

# %% [markdown]
# ## Summary
#
# - A running container is a main process in a cgroup on a host; its options are cgroup files:
#   `--cpus 1.5` is `cpu.max 150000 100000`, `--memory 512m` is `memory.max 536870912`,
#   `--cpu-shares` is `cpu.weight` (100 or 39 for 1024, by runtime version).
# - Over its CPU quota a container is throttled; over `memory.max` the OOM killer kills
#   (137, `OOMKilled`). `docker stats` shows CPU % of one CPU.
# - `docker stop` is SIGTERM, then SIGKILL after the timeout: 143 if the process dies of the
#   SIGTERM, 137 if PID 1 ignored it, its own code if it handles it.
# - Restart policies restart failures after a doubling back-off; a manual stop is never restarted.
# - Limits are caps, not reservations: Docker starts every container. Kubernetes requests are
#   what reserve, at scheduling (lesson 09).

# %% [markdown]
# ## Try it on a real Docker host
#
# ```sh
# docker run -d --name proc-demo --cpus 1.5 --memory 512m alpine:3.20 sleep 600
# docker inspect -f '{{.State.Pid}} {{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}' proc-demo
# docker top proc-demo                                          # the process, as the host sees it
# docker exec proc-demo cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/memory.max   # cgroup v2: 150000 100000, 536870912
# docker exec proc-demo cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/memory/memory.limit_in_bytes   # cgroup v1: 150000, 536870912
# docker stats --no-stream proc-demo
# docker stop -t 2 proc-demo && docker inspect -f '{{.State.ExitCode}} {{.State.OOMKilled}}' proc-demo   # 137: sleep ignored SIGTERM
# docker rm proc-demo
# ```

# %% [markdown]
# [← 06 The real overlayfs beside the model](06-real-overlayfs.ipynb) | [Index](00-index.ipynb) | [08 Registries and distribution →](08-registries-and-distribution.ipynb)
