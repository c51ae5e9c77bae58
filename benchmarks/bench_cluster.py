"""Scale of the cluster (issue 12, item 6): 1,000 nodes and 10,000 pods scheduled with
kube-scheduler's default profile, in under 10 s and under 1 GB.

Run: ``.venv/bin/python benchmarks/bench_cluster.py`` (or ``make bench``).  Prints the figures
next to the goals; nothing here is a test, so a slow machine never fails CI.

The workload: 1,000 nodes in 3 zones (32 CPU, 128 GiB, 110 pods each; a third of them already
hold the first image), and 10 Deployments of 1,000 replicas (100m-500m CPU, 128-512 MiB), so
every pod goes through every filter and score plugin, PodTopologySpread with its system defaults
(hostname and zone) included, and every decision is kept, explainable.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.cluster import Cluster, Node

NODES = 1_000
DEPLOYMENTS = 10
REPLICAS = 1_000
MiB = 1024**2


def manifest(i: int) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app{i}}}
spec:
  replicas: {REPLICAS}
  selector: {{matchLabels: {{app: app{i}}}}}
  template:
    metadata: {{labels: {{app: app{i}}}}}
    spec:
      containers:
      - name: main
        image: registry.example/app{i}:1.0
        resources: {{requests: {{cpu: {100 + 50 * (i % 9)}m, memory: {128 * (1 + i % 4)}Mi}}}}
"""


def build() -> Cluster:
    nodes = [
        Node(
            f"node-{n:04d}",
            cpu="32",
            memory="128Gi",
            labels={"topology.kubernetes.io/zone": f"zone-{n % 3}"},
            images={"registry.example/app0:1.0": 300 * MiB} if n % 3 == 0 else {},
        )
        for n in range(NODES)
    ]
    registry = {f"registry.example/app{i}:1.0": (100 + 40 * i) * MiB for i in range(DEPLOYMENTS)}
    return Cluster(nodes, registry=registry, seed=1)


def run() -> tuple[Cluster, float]:
    cluster = build()
    text = "---\n".join(manifest(i) for i in range(DEPLOYMENTS))
    start = time.perf_counter()
    cluster.apply(text)  # one control-plane step: ReplicaSets create 10,000 pods, the scheduler places them
    return cluster, time.perf_counter() - start


def main() -> None:
    gc.collect()
    cluster, seconds = run()  # timed without tracemalloc, which slows every allocation
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    bound = sum(1 for p in cluster.pods.values() if p.node)
    per_node = [len(n.pods) for n in cluster.nodes]
    sample = next(iter(cluster.pods.values())).decision
    del cluster
    gc.collect()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"cluster: {NODES} nodes, {DEPLOYMENTS * REPLICAS} pods from {DEPLOYMENTS} deployments")
    print(f"  scheduled        {bound:>8} pods           goal: all")
    print(f"  wall time        {seconds:>8.2f} s            goal: < 10 s  ({bound / seconds:,.0f} pods/s)")
    print(
        f"  max RSS          {rss / 2**20:>8.1f} MiB          goal: < 1024 MiB (whole process, after the timed run)"
    )
    print(
        f"  traced peak      {peak / 2**20:>8.1f} MiB          goal: < 1024 MiB (tracemalloc, a second run)"
    )
    print(f"  pods per node    min {min(per_node)} max {max(per_node)}")
    print(f"  a decision: {sample!r}")
    print(f"    examined {len(sample.filtered)} nodes (percentageOfNodesToScore), {len(sample.final)} scored")


if __name__ == "__main__":
    main()
