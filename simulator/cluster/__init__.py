"""A cluster scheduled like Kubernetes.

Nodes (capacity, allocatable, labels, taints, each with its own image store), Pods and
Deployments (from Python or from real Kubernetes YAML), and kube-scheduler's default profile —
filters, scores, normalisation, weights, seeded tie-breaks — with every decision explained per
node and plugin in kube-scheduler-simulator's result shape.  Controllers run in logical time:
rolling updates, node failure and eviction, kubelet pulls by pull policy and image GC, Services
picking among Ready pods.  See ``docs/cluster.md``.

    >>> from simulator.cluster import Cluster, Node, Pod
    >>> MiB = 1024**2
    >>> nodes = [Node(f"n{i}", images={"app:1": 500 * MiB} if i < 2 else {}) for i in range(10)]
    >>> decision = Cluster(nodes).schedule(Pod("web", image="app:1", cpu="500m", memory="1Gi"))
    >>> decision.scores["n0"]["ImageLocality"], decision.scores["n3"]["ImageLocality"]
    (7, 0)
"""

from .cluster import Cluster, Event, PodTemplate, pod_template_hash
from .controllers import resolve_fenceposts
from .errors import ClusterError, InvalidQuantity, ManifestError, ObjectNotFound
from .labels import LabelSelector, NodeSelectorTerm, PreferredTerm, Requirement, Taint, Toleration
from .manifests import load_manifests
from .objects import Container, Deployment, Node, Pod, ReplicaSet, Service, TopologySpreadConstraint
from .pulls import registry_puller
from .quantity import Quantity, parse_quantity
from .scheduler import DEFAULT_WEIGHTS, Decision, Scheduler

__all__ = [
    "DEFAULT_WEIGHTS",
    "Cluster",
    "ClusterError",
    "Container",
    "Decision",
    "Deployment",
    "Event",
    "InvalidQuantity",
    "LabelSelector",
    "ManifestError",
    "Node",
    "NodeSelectorTerm",
    "ObjectNotFound",
    "Pod",
    "PodTemplate",
    "PreferredTerm",
    "Quantity",
    "ReplicaSet",
    "Requirement",
    "Scheduler",
    "Service",
    "Taint",
    "Toleration",
    "TopologySpreadConstraint",
    "load_manifests",
    "parse_quantity",
    "pod_template_hash",
    "registry_puller",
    "resolve_fenceposts",
]
