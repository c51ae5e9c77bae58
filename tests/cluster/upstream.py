"""Upstream kube-scheduler unit-test expectations, transcribed as data.

Each table names its source file and test function in kubernetes/kubernetes; each case keeps the
upstream case name.  Sizes in MB are MiB (``mb = 1024 * 1024`` upstream).  CPU in the resource
tables is written as upstream writes it (``"4000"`` is 4000 cores in ``st.MakeNode().Capacity``,
``4000`` millicores in ``makeNode``); only ratios matter to the scores.
"""

from __future__ import annotations

MB = 1024 * 1024

# pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go, TestImageLocalityPriority
# nodes: {node name: {image name: size}}; pod: (containers, init containers); want: {node: score}
IMAGE_NODES = {
    "node403002000": {
        "gcr.io/40:latest": 40 * MB,
        "gcr.io/40:v1": 40 * MB,
        "gcr.io/300:latest": 300 * MB,
        "gcr.io/300:v1": 300 * MB,
        "gcr.io/2000:latest": 2000 * MB,
    },
    "node25010": {"gcr.io/250:latest": 250 * MB, "gcr.io/10:latest": 10 * MB, "gcr.io/10:v1": 10 * MB},
    "node60040900": {
        "gcr.io/600:latest": 600 * MB,
        "gcr.io/40:latest": 40 * MB,
        "gcr.io/900:latest": 900 * MB,
    },
    "node300600900": {
        "gcr.io/300:latest": 300 * MB,
        "gcr.io/600:latest": 600 * MB,
        "gcr.io/900:latest": 900 * MB,
    },
    "node400030": {"gcr.io/4000:latest": 4000 * MB, "gcr.io/30:latest": 30 * MB},
    "node203040": {"gcr.io/20:latest": 20 * MB, "gcr.io/30:latest": 30 * MB, "gcr.io/40:latest": 40 * MB},
    "nodeWithNoImages": {},
}
IMAGE_LOCALITY = [
    (
        "two images spread on two nodes, prefer the larger image one",
        (["gcr.io/40", "gcr.io/250"], []),
        ["node403002000", "node25010"],
        [0, 5],
    ),
    (
        "two images on one node, prefer this node",
        (["gcr.io/40", "gcr.io/300"], []),
        ["node403002000", "node25010"],
        [7, 0],
    ),
    ("if exceed limit, use limit", (["gcr.io/10", "gcr.io/4000"], []), ["node400030", "node25010"], [100, 0]),
    (
        "if exceed limit, use limit (with node which has no images present)",
        (["gcr.io/10", "gcr.io/4000"], []),
        ["node400030", "node25010", "nodeWithNoImages"],
        [66, 0, 0],
    ),
    (
        "pod with multiple large images, node2 is preferred",
        (["gcr.io/300", "gcr.io/600", "gcr.io/900"], []),
        ["node60040900", "node300600900", "nodeWithNoImages"],
        [32, 36, 0],
    ),
    (
        "pod with multiple small images",
        (["gcr.io/30", "gcr.io/40"], []),
        ["node203040", "node400030"],
        [1, 0],
    ),
    (
        "include InitContainers: two images spread on two nodes, prefer the larger image one",
        (["gcr.io/30"], ["gcr.io/300"]),
        ["node403002000", "node203040"],
        [6, 0],
    ),
]
# image_locality_test.go, TestNormalizedImageName
NORMALIZED_IMAGE_NAME = [
    ("add :latest postfix 1", "root", "root:latest"),
    ("add :latest postfix 2", "gcr.io:5000/root", "gcr.io:5000/root:latest"),
    ("keep it as is 1", "root:tag", "root:tag"),
    ("keep it as is 2", "root@sha256:" + "a" * 64, "root@sha256:" + "a" * 64),
]

# pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go, TestLeastAllocatedScoringStrategy
# and most_allocated_test.go, TestMostAllocatedScoringStrategy.
# (name, pod containers' requests, nodes {name: (cpu, memory)}, existing pods [(node, requests)],
#  resources [(name, weight)] or None for the default, want [scores in node order])
DEFAULT = None
LEAST_ALLOCATED = [
    (
        "nothing scheduled, nothing requested",
        [],
        {"node1": ("4000", "10000"), "node2": ("4000", "10000")},
        [],
        DEFAULT,
        [100, 100],
    ),
    (
        "nothing scheduled, resources requested, differently sized nodes",
        [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
        {"node1": ("4000", "10000"), "node2": ("6000", "10000")},
        [],
        DEFAULT,
        [37, 50],
    ),
    (
        "no resources requested, pods scheduled",
        [],
        {"node1": ("4000", "10000"), "node2": ("4000", "10000")},
        [("node1", None), ("node1", None), ("node2", None), ("node2", None)],
        DEFAULT,
        [100, 100],
    ),
    (
        "no resources requested, pods scheduled with resources",
        [],
        {"node1": ("10000", "20000"), "node2": ("10000", "20000")},
        [
            ("node1", {"cpu": "3000", "memory": "0"}),
            ("node1", {"cpu": "3000", "memory": "0"}),
            ("node2", {"cpu": "3000", "memory": "0"}),
            ("node2", {"cpu": "3000", "memory": "5000"}),
        ],
        DEFAULT,
        [70, 57],
    ),
    (
        "resources requested, pods scheduled with resources",
        [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
        {"node1": ("10000", "20000"), "node2": ("10000", "20000")},
        [("node1", {"cpu": "3000", "memory": "0"}), ("node2", {"cpu": "3000", "memory": "5000"})],
        DEFAULT,
        [57, 45],
    ),
    (
        "resources requested, pods scheduled with resources, differently sized nodes",
        [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
        {"node1": ("10000", "20000"), "node2": ("10000", "50000")},
        [("node1", {"cpu": "3000", "memory": "0"}), ("node2", {"cpu": "3000", "memory": "5000"})],
        DEFAULT,
        [57, 60],
    ),
    (
        "requested resources exceed node capacity",
        [{"cpu": "3000", "memory": "0"}],
        {"node1": ("4000", "10000"), "node2": ("4000", "10000")},
        [("node1", {"cpu": "3000", "memory": "0"}), ("node2", {"cpu": "3000", "memory": "5000"})],
        DEFAULT,
        [50, 25],
    ),
    (
        "zero node resources, pods scheduled with resources",
        [],
        {"node1": ("0", "0"), "node2": ("0", "0")},
        [("node1", {"cpu": "3000", "memory": "0"}), ("node2", {"cpu": "3000", "memory": "5000"})],
        DEFAULT,
        [0, 0],
    ),
    (
        "nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes",
        [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
        {"node1": ("4000", "10000"), "node2": ("6000", "10000")},
        [],
        [("memory", 2), ("cpu", 1)],
        [41, 50],
    ),
]
MOST_ALLOCATED = [
    (
        "nothing scheduled, nothing requested",
        [],
        {"node1": ("4000", "10000"), "node2": ("4000", "10000")},
        [],
        DEFAULT,
        [0, 0],
    ),
    (
        "nothing scheduled, resources requested, differently sized nodes",
        [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
        {"node1": ("4000", "10000"), "node2": ("6000", "10000")},
        [],
        DEFAULT,
        [62, 50],
    ),
    (
        "no resources requested, pods scheduled with resources",
        [],
        {"node1": ("10000", "20000"), "node2": ("10000", "20000")},
        [
            ("node1", {"cpu": "3000", "memory": "0"}),
            ("node1", {"cpu": "3000", "memory": "0"}),
            ("node2", {"cpu": "3000", "memory": "0"}),
            ("node2", {"cpu": "3000", "memory": "5000"}),
        ],
        DEFAULT,
        [30, 42],
    ),
    (
        "resources requested, pods scheduled with resources",
        [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
        {"node1": ("10000", "20000"), "node2": ("10000", "20000")},
        [("node1", {"cpu": "3000", "memory": "0"}), ("node2", {"cpu": "3000", "memory": "5000"})],
        DEFAULT,
        [42, 55],
    ),
    (
        "resources requested equal node capacity",
        [{"cpu": "2000", "memory": "4000"}, {"cpu": "3000", "memory": "5000"}],
        {"node1": ("5000", "10000"), "node2": ("10000", "9000")},
        [],
        DEFAULT,
        [95, 75],
    ),
    (
        "nothing scheduled, resources requested, differently sized nodes (memory weight 2)",
        [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
        {"node1": ("4000", "10000"), "node2": ("6000", "10000")},
        [],
        [("memory", 2), ("cpu", 1)],
        [58, 50],
    ),
    (
        "no resources requested, pods scheduled, nonzero request for resource",
        [{}],
        {"node1": ("250m", "1000Mi"), "node2": ("250m", "1000Mi")},
        [("node1", {}), ("node1", {})],
        DEFAULT,
        [80, 30],
    ),
]

# pkg/scheduler/framework/plugins/noderesources/balanced_allocation_test.go, TestNodeResourcesBalancedAllocation
# nodes: {name: (milliCPU, memory)}; existing pods: (node, containers' requests)
_CPU_ONLY = [{"cpu": "1000m", "memory": "0"}, {"cpu": "2000m", "memory": "0"}]
_CPU_AND_MEMORY = [{"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000"}]
BALANCED_ALLOCATION = [
    (
        "nothing scheduled, resources requested, differently sized nodes",
        _CPU_AND_MEMORY,
        {"node1": (4000, 10000), "node2": (6000, 10000)},
        [],
        [87, 100],
    ),
    (
        "resources requested, pods scheduled with resources",
        _CPU_AND_MEMORY,
        {"node1": (10000, 20000), "node2": (10000, 20000)},
        [("node1", _CPU_ONLY), ("node2", _CPU_AND_MEMORY)],
        [82, 95],
    ),
    (
        "resources requested, pods scheduled with resources, differently sized nodes",
        _CPU_AND_MEMORY,
        {"node1": (10000, 20000), "node2": (10000, 50000)},
        [("node1", _CPU_ONLY), ("node2", _CPU_AND_MEMORY)],
        [82, 80],
    ),
    (
        "requested resources at node capacity",
        _CPU_ONLY,
        {"node1": (6000, 10000), "node2": (6000, 10000)},
        [("node1", _CPU_ONLY), ("node2", _CPU_AND_MEMORY)],
        [50, 75],
    ),
]
# ... and "nothing scheduled, nothing requested, skip in PreScore": a best-effort pod is skipped.

# pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go, TestTaintTolerationScore
# tolerations / taints as (key, operator-or-value, value, effect); want: normalised scores
PNS = "PreferNoSchedule"
TAINT_SCORE = [
    (
        "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
        [("foo", "Equal", "bar", PNS)],
        {"nodeA": [("foo", "bar", PNS)], "nodeB": [("foo", "blah", PNS)]},
        [100, 0],
    ),
    (
        "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
        [("cpu-type", "Equal", "arm64", PNS), ("disk-type", "Equal", "ssd", PNS)],
        {
            "nodeA": [],
            "nodeB": [("cpu-type", "arm64", PNS)],
            "nodeC": [("cpu-type", "arm64", PNS), ("disk-type", "ssd", PNS)],
        },
        [100, 100, 100],
    ),
    (
        "the more intolerable taints a node has, the lower score it gets.",
        [("foo", "Equal", "bar", PNS)],
        {
            "nodeA": [],
            "nodeB": [("cpu-type", "arm64", PNS)],
            "nodeC": [("cpu-type", "arm64", PNS), ("disk-type", "ssd", PNS)],
        },
        [100, 50, 0],
    ),
    (
        "only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
        [("cpu-type", "Equal", "arm64", "NoSchedule"), ("disk-type", "Equal", "ssd", "NoSchedule")],
        {
            "nodeA": [],
            "nodeB": [("cpu-type", "arm64", "NoSchedule")],
            "nodeC": [("cpu-type", "arm64", PNS), ("disk-type", "ssd", PNS)],
        },
        [100, 100, 0],
    ),
    (
        "Default behaviour No taints and tolerations, lands on node with no taints",
        [],
        {"nodeA": [], "nodeB": [("cpu-type", "arm64", PNS)]},
        [100, 0],
    ),
]
# taint_toleration_test.go, TestTaintTolerationFilter: (name, tolerations, taints, want reason or None)
TAINT_FILTER = [
    (
        "A pod having no tolerations can't be scheduled onto a node with nonempty taints",
        [],
        [("dedicated", "user1", "NoSchedule")],
        "node(s) had untolerated taint {dedicated: user1}",
    ),
    (
        "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
        [("dedicated", "", "user1", "NoSchedule")],
        [("dedicated", "user1", "NoSchedule")],
        None,
    ),
    (
        "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
        [("dedicated", "Equal", "user2", "NoSchedule")],
        [("dedicated", "user1", "NoSchedule")],
        "node(s) had untolerated taint {dedicated: user1}",
    ),
    (
        "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node",
        [("foo", "Exists", "", "NoSchedule")],
        [("foo", "bar", "NoSchedule")],
        None,
    ),
    (
        "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node",
        [("dedicated", "Equal", "user2", "NoSchedule"), ("foo", "Exists", "", "NoSchedule")],
        [("dedicated", "user2", "NoSchedule"), ("foo", "bar", "NoSchedule")],
        None,
    ),
    (
        "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
        [("foo", "Equal", "bar", PNS)],
        [("foo", "bar", "NoSchedule")],
        "node(s) had untolerated taint {foo: bar}",
    ),
    (
        "The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
        [("foo", "Equal", "bar", "")],
        [("foo", "bar", "NoSchedule")],
        None,
    ),
    (
        "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
        [("dedicated", "Equal", "user2", "NoSchedule")],
        [("dedicated", "user1", PNS)],
        None,
    ),
    (
        "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
        [],
        [("dedicated", "user1", PNS)],
        None,
    ),
]

# pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go, TestNodeAffinity (Filter)
# (name, nodeSelector, required terms [[(key, op, values)...] per term] or None, node labels, node name, fits)
NODE_AFFINITY_FILTER = [
    ("missing labels", {"foo": "bar"}, None, {}, "node1", False),
    ("same labels", {"foo": "bar"}, None, {"foo": "bar"}, "node1", True),
    ("node labels are superset", {"foo": "bar"}, None, {"foo": "bar", "baz": "blah"}, "node1", True),
    ("node labels are subset", {"foo": "bar", "baz": "blah"}, None, {"foo": "bar"}, "node1", False),
    (
        "Pod with matchExpressions using In operator that matches the existing node",
        {},
        [[("foo", "In", ("bar", "value2"))]],
        {"foo": "bar"},
        "node1",
        True,
    ),
    (
        "Pod with matchExpressions using Gt operator that matches the existing node",
        {},
        [[("kernel-version", "Gt", ("0204",))]],
        {"kernel-version": "0206"},
        "node1",
        True,
    ),
    (
        "Pod with matchExpressions using NotIn operator that matches the existing node",
        {},
        [[("mem-type", "NotIn", ("DDR", "DDR2"))]],
        {"mem-type": "DDR3"},
        "node1",
        True,
    ),
    (
        "Pod with matchExpressions using Exists operator that matches the existing node",
        {},
        [[("GPU", "Exists", ())]],
        {"GPU": "NVIDIA-GRID-K1"},
        "node1",
        True,
    ),
    (
        "Pod with affinity that don't match node's labels won't schedule onto the node",
        {},
        [[("foo", "In", ("value1", "value2"))]],
        {"foo": "bar"},
        "node1",
        False,
    ),
    (
        "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
        {},
        [[]],
        {"foo": "bar"},
        "node1",
        False,
    ),
    ("Pod with no Affinity will schedule onto a node", {}, None, {"foo": "bar"}, "node1", True),
    (
        "Pod with multiple matchExpressions ANDed that matches the existing node",
        {},
        [[("GPU", "Exists", ()), ("GPU", "NotIn", ("AMD", "INTER"))]],
        {"GPU": "NVIDIA-GRID-K1"},
        "node1",
        True,
    ),
    (
        "Pod with multiple matchExpressions ANDed that doesn't match the existing node",
        {},
        [[("GPU", "Exists", ()), ("GPU", "In", ("AMD", "INTER"))]],
        {"GPU": "NVIDIA-GRID-K1"},
        "node1",
        False,
    ),
    (
        "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
        {},
        [[("foo", "In", ("bar", "value2"))], [("diffkey", "In", ("wrong", "value2"))]],
        {"foo": "bar"},
        "node1",
        True,
    ),
    (
        "Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, will schedule onto the node",
        {"foo": "bar"},
        [[("foo", "Exists", ())]],
        {"foo": "bar"},
        "node1",
        True,
    ),
    (
        "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are deprecating) is not satisfied, won't schedule onto the node",
        {"foo": "bar"},
        [[("foo", "Exists", ())]],
        {"foo": "barrrrrr"},
        "node1",
        False,
    ),
    (
        "Pod with an invalid value in Affinity term won't be scheduled onto the node",
        {},
        [[("foo", "NotIn", ("invalid value: ___@#$%^",))]],
        {"foo": "bar"},
        "node1",
        False,
    ),
    (
        "Pod with matchFields using In operator that matches the existing node",
        {},
        [[("metadata.name", "In", ("node1",), "field")]],
        {},
        "node1",
        True,
    ),
    (
        "Pod with matchFields using In operator that does not match the existing node",
        {},
        [[("metadata.name", "In", ("node1",), "field")]],
        {},
        "node2",
        False,
    ),
    (
        "Pod with two terms: matchFields does not match, but matchExpressions matches",
        {},
        [
            [("metadata.name", "In", ("node1",), "field"), ("metadata.name", "In", ("node2",), "field")],
            [("foo", "In", ("bar",))],
        ],
        {"foo": "bar"},
        "node2",
        True,
    ),
]
# node_affinity_test.go, TestNodeAffinityPriority: preferred terms (weight, [(key, op, values)])
_AFF1 = [(2, [("foo", "In", ("bar",))])]
_AFF2 = [
    (2, [("foo", "In", ("bar",))]),
    (4, [("key", "In", ("value",))]),
    (5, [("foo", "In", ("bar",)), ("key", "In", ("value",)), ("az", "In", ("az1",))]),
]
_L1, _L2, _L3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
_L4, _L5 = {"abc": "az11", "def": "az22"}, {"foo": "bar", "key": "value", "az": "az1"}
NODE_AFFINITY_SCORE = [
    (
        "all nodes are same priority as NodeAffinity is nil",
        [],
        {"node1": _L1, "node2": _L2, "node3": _L3},
        [0, 0, 0],
    ),
    (
        "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
        _AFF1,
        {"node1": _L4, "node2": _L2, "node3": _L3},
        [0, 0, 0],
    ),
    (
        "only node1 matches the preferred scheduling requirements of pod",
        _AFF1,
        {"node1": _L1, "node2": _L2, "node3": _L3},
        [100, 0, 0],
    ),
    (
        "all nodes matches the preferred scheduling requirements of pod but with different priorities ",
        _AFF2,
        {"node1": _L1, "node5": _L5, "node2": _L2},
        [18, 100, 36],
    ),
]

# pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go, TestPodTopologySpreadScore
# one ScheduleAnyway constraint on kubernetes.io/hostname selecting foo; (name, maxSkew,
# matching pods per node, candidate nodes, failed nodes, want)
PTS_SCORE = [
    ("one constraint on node, no existing pods", 1, {}, ["node-a", "node-b"], [], [100, 100]),
    (
        "one constraint on node, only one node is candidate",
        1,
        {"node-a": 2, "node-b": 1},
        ["node-a"],
        ["node-b"],
        [100],
    ),
    (
        "one constraint on node, all nodes have the same number of matching pods",
        1,
        {"node-a": 1, "node-b": 1},
        ["node-a", "node-b"],
        [],
        [100, 100],
    ),
    (
        "one constraint on node, all 4 nodes are candidates",
        1,
        {"node-a": 2, "node-b": 1, "node-d": 3},
        ["node-a", "node-b", "node-c", "node-d"],
        [],
        [20, 60, 100, 0],
    ),
    (
        "one constraint on node, all 4 nodes are candidates, maxSkew=2",
        2,
        {"node-a": 2, "node-b": 1, "node-d": 3},
        ["node-a", "node-b", "node-c", "node-d"],
        [],
        [33, 66, 100, 16],
    ),
]

# pkg/controller/deployment/util/deployment_util_test.go, TestResolveFenceposts
# (maxSurge, maxUnavailable, desired, surge, unavailable, error); None is a nil pointer (0)
RESOLVE_FENCEPOSTS = [
    ("0%", "0%", 0, 0, 1, False),
    ("39%", "39%", 10, 4, 3, False),
    ("oops", "39%", 10, 0, 0, True),
    ("55%", "urg", 10, 0, 0, True),
    (None, "39%", 10, 0, 3, False),
    ("39%", None, 10, 4, 0, False),
    (None, None, 10, 0, 1, False),
]
# deployment_util_test.go, TestNewRSNewReplicas (another ReplicaSet holds 5 replicas, maxUnavailable 1)
# (name, strategy, deployment replicas, new RS replicas, maxSurge, expected)
NEW_RS_NEW_REPLICAS = [
    ("can not scale up - to newRSReplicas", "RollingUpdate", 1, 5, 1, 5),
    ("scale up - to depReplicas", "RollingUpdate", 6, 2, 10, 6),
    ("recreate - to depReplicas", "Recreate", 3, 1, 1, 3),
]
# deployment_util_test.go, TestMaxUnavailable (maxSurge 1): (name, replicas, maxUnavailable, strategy, expected)
MAX_UNAVAILABLE = [
    ("maxUnavailable less than replicas", 10, 5, "RollingUpdate", 5),
    ("maxUnavailable equal replicas", 10, 10, "RollingUpdate", 10),
    ("maxUnavailable greater than replicas", 5, 10, "RollingUpdate", 5),
    ("maxUnavailable with replicas is 0", 0, 10, "RollingUpdate", 0),
    ("maxUnavailable with Recreate deployment strategy", 1, 1, "Recreate", 0),
    ("maxUnavailable less than replicas with percents", 10, "50%", "RollingUpdate", 5),
    ("maxUnavailable equal replicas with percents", 10, "100%", "RollingUpdate", 10),
    ("maxUnavailable greater than replicas with percents", 5, "100%", "RollingUpdate", 5),
]

# pkg/scheduler/framework/plugins/noderesources/fit_test.go, TestEnoughRequests (the node: 10m CPU,
# 20 bytes of memory, 32 pods, 5 of extended resource A; one pod already there, with `existing`).
# (name, containers' requests, init containers' requests, existing pod's requests, status code, reasons)
A, B = "example.com/aaa", "example.com/bbb"
_U, _UU = "Unschedulable", "UnschedulableAndUnresolvable"
FIT_FILTER = [
    ("no resources requested always fits", [], [], {"cpu": "10m", "memory": "20"}, None, ""),
    (
        "too many resources fails",
        [{"cpu": "1m", "memory": "1"}],
        [],
        {"cpu": "10m", "memory": "20"},
        _U,
        "Insufficient cpu, Insufficient memory",
    ),
    (
        "too many resources fails due to init container cpu",
        [{"cpu": "1m", "memory": "1"}],
        [{"cpu": "3m", "memory": "1"}],
        {"cpu": "8m", "memory": "19"},
        _U,
        "Insufficient cpu",
    ),
    (
        "too many resources fails due to highest init container cpu",
        [{"cpu": "1m", "memory": "1"}],
        [{"cpu": "3m", "memory": "1"}, {"cpu": "2m", "memory": "1"}],
        {"cpu": "8m", "memory": "19"},
        _U,
        "Insufficient cpu",
    ),
    (
        "too many resources fails due to init container memory",
        [{"cpu": "1m", "memory": "1"}],
        [{"cpu": "1m", "memory": "3"}],
        {"cpu": "9m", "memory": "19"},
        _U,
        "Insufficient memory",
    ),
    (
        "too many resources fails due to highest init container memory",
        [{"cpu": "1m", "memory": "1"}],
        [{"cpu": "1m", "memory": "3"}, {"cpu": "1m", "memory": "2"}],
        {"cpu": "9m", "memory": "19"},
        _U,
        "Insufficient memory",
    ),
    (
        "init container fits because it's the max, not sum, of containers and init containers",
        [{"cpu": "1m", "memory": "1"}],
        [{"cpu": "1m", "memory": "1"}],
        {"cpu": "9m", "memory": "19"},
        None,
        "",
    ),
    (
        "multiple init containers fit because it's the max, not sum, of containers and init containers",
        [{"cpu": "1m", "memory": "1"}],
        [{"cpu": "1m", "memory": "1"}, {"cpu": "1m", "memory": "1"}],
        {"cpu": "9m", "memory": "19"},
        None,
        "",
    ),
    ("both resources fit", [{"cpu": "1m", "memory": "1"}], [], {"cpu": "5m", "memory": "5"}, None, ""),
    (
        "one resource memory fits",
        [{"cpu": "2m", "memory": "1"}],
        [],
        {"cpu": "9m", "memory": "5"},
        _U,
        "Insufficient cpu",
    ),
    (
        "one resource cpu fits",
        [{"cpu": "1m", "memory": "2"}],
        [],
        {"cpu": "5m", "memory": "19"},
        _U,
        "Insufficient memory",
    ),
    ("equal edge case", [{"cpu": "5m", "memory": "1"}], [], {"cpu": "5m", "memory": "19"}, None, ""),
    (
        "equal edge case for init container",
        [{"cpu": "4m", "memory": "1"}],
        [{"cpu": "5m", "memory": "1"}],
        {"cpu": "5m", "memory": "19"},
        None,
        "",
    ),
    ("extended resource fits", [{A: "1"}], [], {}, None, ""),
    ("extended resource fits for init container", [{}], [{A: "1"}], {}, None, ""),
    (
        "extended resource capacity enforced",
        [{"cpu": "1m", "memory": "1", A: "10"}],
        [],
        {A: "0"},
        _UU,
        f"Insufficient {A}",
    ),
    (
        "extended resource capacity enforced for init container",
        [{}],
        [{"cpu": "1m", "memory": "1", A: "10"}],
        {A: "0"},
        _UU,
        f"Insufficient {A}",
    ),
    (
        "extended resource allocatable enforced",
        [{"cpu": "1m", "memory": "1", A: "1"}],
        [],
        {A: "5"},
        _U,
        f"Insufficient {A}",
    ),
    (
        "extended resource allocatable enforced for init container",
        [{}],
        [{"cpu": "1m", "memory": "1", A: "1"}],
        {A: "5"},
        _U,
        f"Insufficient {A}",
    ),
    (
        "extended resource allocatable enforced for multiple containers",
        [{"cpu": "1m", "memory": "1", A: "3"}, {"cpu": "1m", "memory": "1", A: "3"}],
        [],
        {A: "2"},
        _UU,
        f"Insufficient {A}",
    ),
    (
        "extended resource allocatable admits multiple init containers",
        [{}],
        [{"cpu": "1m", "memory": "1", A: "3"}, {"cpu": "1m", "memory": "1", A: "3"}],
        {A: "2"},
        None,
        "",
    ),
    (
        "extended resource allocatable enforced for multiple init containers",
        [{}],
        [{"cpu": "1m", "memory": "1", A: "6"}, {"cpu": "1m", "memory": "1", A: "3"}],
        {A: "2"},
        _UU,
        f"Insufficient {A}",
    ),
    (
        "extended resource allocatable enforced for unknown resource",
        [{"cpu": "1m", "memory": "1", B: "1"}],
        [],
        {},
        _UU,
        f"Insufficient {B}",
    ),
    (
        "extended resource allocatable enforced for unknown resource for init container",
        [{}],
        [{"cpu": "1m", "memory": "1", B: "1"}],
        {},
        _UU,
        f"Insufficient {B}",
    ),
]

# pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go, TestSingleConstraint: one
# DoNotSchedule constraint selecting pods with label "foo" (Exists).  Nodes carry zone and node
# labels; existing pods are (node, namespace) with label foo.  want: node -> status code
_NODES4 = {
    "node-a": {"zone": "zone1", "node": "node-a"},
    "node-b": {"zone": "zone1", "node": "node-b"},
    "node-x": {"zone": "zone2", "node": "node-x"},
    "node-y": {"zone": "zone2", "node": "node-y"},
}
_S, _X = None, "Unschedulable"
_SPREAD_2103 = [("node-a", "default")] * 2 + [("node-b", "default")] + [("node-y", "default")] * 3
# (name, pod labels, maxSkew, topology key, selector key, required node affinity on "node", nodes, existing, want)
PTS_FILTER = [
    (
        "no existing pods",
        {"foo": ""},
        1,
        "zone",
        "foo",
        None,
        _NODES4,
        [],
        {"node-a": _S, "node-b": _S, "node-x": _S, "node-y": _S},
    ),
    (
        "no existing pods, incoming pod doesn't match itself",
        {"foo": ""},
        1,
        "zone",
        "bar",
        None,
        _NODES4,
        [],
        {"node-a": _S, "node-b": _S, "node-x": _S, "node-y": _S},
    ),
    (
        "existing pods in a different namespace do not count",
        {"foo": ""},
        1,
        "zone",
        "foo",
        None,
        _NODES4,
        [("node-a", "ns1"), ("node-a", "ns2"), ("node-x", "default"), ("node-y", "default")],
        {"node-a": _S, "node-b": _S, "node-x": _X, "node-y": _X},
    ),
    (
        "pods spread across zones as 3/3, all nodes fit",
        {"foo": ""},
        1,
        "zone",
        "foo",
        None,
        _NODES4,
        [("node-a", "default")] * 2 + [("node-b", "default")] + [("node-y", "default")] * 3,
        {"node-a": _S, "node-b": _S, "node-x": _S, "node-y": _S},
    ),
    (
        "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
        {"foo": ""},
        1,
        "zone",
        "foo",
        None,
        {**_NODES4, "node-b": {"zon": "zone1", "node": "node-b"}},
        [("node-a", "default"), ("node-b", "default"), ("node-x", "default"), ("node-y", "default")],
        {"node-a": _S, "node-b": "UnschedulableAndUnresolvable", "node-x": _X, "node-y": _X},
    ),
    (
        "pod cannot be scheduled as all nodes don't have label 'rack'",
        {"foo": ""},
        1,
        "rack",
        "foo",
        None,
        {"node-a": _NODES4["node-a"], "node-x": _NODES4["node-x"]},
        [],
        {"node-a": "UnschedulableAndUnresolvable", "node-x": "UnschedulableAndUnresolvable"},
    ),
    (
        "pods spread across nodes as 2/1/0/3, only node-x fits",
        {"foo": ""},
        1,
        "node",
        "foo",
        None,
        _NODES4,
        _SPREAD_2103,
        {"node-a": _X, "node-b": _X, "node-x": _S, "node-y": _X},
    ),
    (
        "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
        {"foo": ""},
        2,
        "node",
        "foo",
        None,
        _NODES4,
        _SPREAD_2103,
        {"node-a": _X, "node-b": _S, "node-x": _S, "node-y": _X},
    ),
    (
        "pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
        {"bar": ""},
        1,
        "node",
        "foo",
        None,
        _NODES4,
        _SPREAD_2103,
        {"node-a": _X, "node-b": _S, "node-x": _S, "node-y": _X},
    ),
    (
        "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
        {"foo": ""},
        1,
        "node",
        "foo",
        ("node-a", "node-y"),
        _NODES4,
        _SPREAD_2103,
        {"node-a": _S, "node-b": _S, "node-x": _S, "node-y": _X},
    ),
]

# staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go, TestQuantityParse:
# input -> decQuantity(number, exponent), i.e. number x 10**exponent (binary ones written out).
QUANTITY_PARSE = [
    ("0", 0, 0),
    ("0n", 0, 0),
    ("0u", 0, 0),
    ("0m", 0, 0),
    ("0Ki", 0, 0),
    ("0k", 0, 0),
    ("0Mi", 0, 0),
    ("0M", 0, 0),
    ("0Gi", 0, 0),
    ("0G", 0, 0),
    ("0Ti", 0, 0),
    ("0T", 0, 0),
    ("1", 1, 0),
    ("1Ki", 1024, 0),
    ("8Ki", 8 * 1024, 0),
    ("7Mi", 7 * 1024**2, 0),
    ("6Gi", 6 * 1024**3, 0),
    ("5Ti", 5 * 1024**4, 0),
    ("4Pi", 4 * 1024**5, 0),
    ("3Ei", 3 * 1024**6, 0),
    ("10Ti", 10 * 1024**4, 0),
    ("100Ti", 100 * 1024**4, 0),
    ("5n", 5, -9),
    ("4u", 4, -6),
    ("3m", 3, -3),
    ("9", 9, 0),
    ("8k", 8, 3),
    ("50k", 5, 4),
    ("7M", 7, 6),
    ("6G", 6, 9),
    ("5T", 5, 12),
    ("40T", 4, 13),
    ("300T", 3, 14),
    ("2P", 2, 15),
    ("1E", 1, 18),
    ("1E-3", 1, -3),
    ("1e3", 1, 3),
    ("1E6", 1, 6),
    ("1e9", 1, 9),
    ("1E12", 1, 12),
    ("1e15", 1, 15),
    ("1E18", 1, 18),
    ("1e14", 1, 14),
    ("1e13", 1, 13),
    ("100.035k", 100035, 0),
    ("0.001", 1, -3),
    ("0.0005k", 5, -1),
    ("0.005", 5, -3),
    ("0.05", 5, -2),
    ("0.5", 5, -1),
    ("0.00050k", 5, -1),
    ("0.00500", 5, -3),
    ("0.05000", 5, -2),
    ("0.50000", 5, -1),
    ("0.5e0", 5, -1),
    ("0.5e-1", 5, -2),
    ("0.5e-2", 5, -3),
    ("10.035M", 10035, 3),
    ("1.2e3", 12, 2),
    ("1.3E+6", 13, 5),
    ("1.40e9", 14, 8),
    ("1.53E12", 153, 10),
    ("1.6e15", 16, 14),
    ("1.7E18", 17, 17),
    ("9.01", 901, -2),
    ("8.1k", 81, 2),
    ("7.123456M", 7123456, 0),
    ("6.987654321G", 6987654321, 0),
    ("5.444T", 5444, 9),
    ("40.1T", 401, 11),
    ("300.2T", 3002, 11),
    ("2.5P", 25, 14),
    ("1.01E", 101, 16),
    ("3.001n", 4, -9),
    ("1.1E-9", 2, -9),
    ("0.0000000001", 1, -9),
    ("0.0000000005", 1, -9),
    ("0.00000000050", 1, -9),
    ("0.5e-9", 1, -9),
    ("0.9n", 1, -9),
    ("0.00000012345", 124, -9),
    ("0.00000012354", 124, -9),
    ("12E", 12, 18),
    ("100.035Ki", 10243584, -2),
    ("0.5Mi", 512 * 1024, 0),
    ("0.05Gi", 536870912, -1),
    ("0.025Ti", 274877906944, -1),
    (".001", 1, -3),
    (".0001k", 100, -3),
    ("1.", 1, 0),
    ("1.G", 1, 9),
]
# ... and the inputs it rejects
QUANTITY_INVALID = [
    "1.1.M",
    "1+1.0M",
    "0.1mi",
    "0.1am",
    "aoeu",
    ".5i",
    "1i",
    "-3.01i",
    "-3.01e-",
    " 1",
    "1 ",
    "",
]
