# %% [markdown]
# [← 08 Registries and distribution](08-registries-and-distribution.ipynb) | [Index](00-index.ipynb)

# %% [markdown]
# # 09 · Clusters and scheduling
#
# **You will be able to**
#
# - say what kube-scheduler looks at to place a pod: the pod's *requests* against each node's
#   allocatable, never what the pods really use;
# - read the scheduler's table for one pod: the filters first, then each plugin's score × weight;
# - predict where a pod goes, and write requests that leave exactly one node for it;
# - watch a deployment scale, a node fail, pods move, and images being pulled once per node.

# %%
from simulator.cluster import Cluster, Deployment, Node, Pod, PodTemplate
from simulator.teaching import Probe, check_chosen_node, check_fits_only_on
from simulator.viz import cluster_picture, install_reprs, scheduler_table
from simulator.widgets import ClusterDashboard, show

install_reprs()
MiB = 1024**2

# %% [markdown]
# ## 1. A cluster, a deployment, the pulls
#
# Three nodes; `n0` already holds the image `app:1`. A deployment asks for 3 replicas, each
# requesting half a CPU and 1Gi of memory. Each node's kubelet pulls the image once, the first
# time a pod needing it lands there.

# %%
cluster = Cluster(
    [Node("n0", images={"app:1": 500 * MiB}), Node("n1"), Node("n2", cpu="1")],
    registry={"app:1": 500 * MiB},
)
template = PodTemplate.of({"app": "web"}, image="app:1", cpu="500m", memory="1Gi")
cluster.create_deployment(Deployment("web", template, replicas=3))
cluster.settle()
assert len(cluster.pulls) == 2  # n0 had it already: "already present on machine"
show(cluster_picture(cluster))

# %% [markdown]
# ## 2. The scheduler's table for one pod
#
# For each pod, kube-scheduler first **filters** (does the pod fit? tolerations? affinity?), then
# **scores** the nodes left with several plugins, each normalised to 0-100 and multiplied by its
# weight; the highest total wins. A pod asking for 2 CPUs:

# %%
decision = cluster.schedule(Pod("big", image="app:1", cpu="2", memory="1Gi"))  # a what-if
print(decision.explain())
show(scheduler_table(decision))

# %% [markdown]
# ### Predict first
#
# `node-a` and `node-b` have 4 CPUs each. On `node-a` runs a batch job that requested `100m`
# but really burns 3 CPUs all day; on `node-b` runs a pod that requested `3` CPUs but sleeps.
# A new pod asks for 2 CPUs. Where does it go? Choose in the form, say why, and press **Commit**:
# the answer shows only after that.

# %% tags=["answer:p09_usage"]
probe = Probe("p09_usage")
probe

# %%
what_if = Cluster([Node("node-a"), Node("node-b")])
what_if.create_pod(Pod("batch", image="app:1", cpu="100m", memory="256Mi", node_name="node-a"))
what_if.create_pod(Pod("idle", image="app:1", cpu="3", memory="1Gi", node_name="node-b"))
placed = what_if.schedule(Pod("new", image="app:1", cpu="2", memory="1Gi"))
probe.reveal(placed.node or "nowhere", placed.explain())

# %% [markdown]
# ### Do cached images attract pods?
#
# ImageLocality gives points to a node that already has the pod's image, but its weight is 1,
# the score grows with the image's size and shrinks when few nodes have it, and it counts whole
# images by name, not shared layers. Here the node with the image is busier, and loses:

# %%
c2 = Cluster([Node("cached", images={"shop:2": 600 * MiB}), Node("empty")])
c2.create_pod(Pod("other", image="x:1", cpu="2", memory="4Gi", node_name="cached"))
d2 = c2.schedule(Pod("shop", image="shop:2", cpu="500m", memory="512Mi"))
print(d2.explain())
assert d2.node == "empty" and d2.scores["cached"]["ImageLocality"] > 0

# %% [markdown]
# ## 3. Dashboard
#
# Add nodes, deploy, scale, fail a node (the controllers then wait for the node to be declared
# unreachable, evict its pods and create new ones elsewhere), and watch the pulls happen.

# %%
dashboard = ClusterDashboard()
dashboard.deploy()
dashboard

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** In `ex1` below, where will the scheduler place the pod `p`? Answer with the
# node's name; use `ex1.schedule(p).explain()` only to check afterwards.

# %%
ex1 = Cluster([Node("small", cpu="2", memory="4Gi"), Node("large", cpu="8", memory="32Gi")])
ex1.create_pod(Pod("db", image="db:1", cpu="6", memory="24Gi", node_name="large"))
p = Pod("p", image="app:1", cpu="1", memory="1Gi")
print([(n.name, n.allocatable["cpu"], n.requested.get("cpu", 0)) for n in ex1.nodes])

# %% tags=["answer:ex09_where"]
answer = ...  # a node's name

# %%
check_chosen_node(ex1, p, answer)

# %% [markdown]
# **Exercise 2.** In `ex2`, write a function returning a pod (image `app:1`) whose requests leave
# **only** node `mid` feasible.

# %%
ex2 = Cluster(
    [Node("tiny", cpu="1", memory="2Gi"), Node("mid", cpu="4", memory="8Gi"), Node("full", cpu="8")]
)
ex2.create_pod(Pod("hog", image="x:1", cpu="7", memory="1Gi", node_name="full"))

# %% tags=["answer:ex09_fit"]
make_pod = ...  # def make_pod(): return Pod("p", image="app:1", cpu=..., memory=...)

# %%
check_fits_only_on(ex2, make_pod, "mid")

# %% [markdown]
# ## Summary
#
# - kube-scheduler filters nodes by the pod's **requests** against allocatable minus the requests
#   of the pods already there; real usage plays no part.
# - The nodes left are scored by plugins (weights 3, 2, 2, 1, 1, 1); the highest total wins, and
#   `Decision.explain()` shows every number.
# - A cached image helps a little (ImageLocality, weight 1, by whole image), and is easily
#   outweighed by free resources.
# - Each node pulls an image once; a failed node's pods are evicted and re-created elsewhere,
#   pulling there if needed.

# %% [markdown]
# ## Try it on a real cluster
#
# `--dry-run=client` needs no cluster: it prints what would be sent. The other commands need one
# (kind, minikube or k3s on your machine):
#
# ```sh
# kubectl create deployment web --image=nginx:1.29 --replicas=3 --dry-run=client -o yaml > web.yaml
# kubectl set resources -f web.yaml --local --requests=cpu=500m,memory=256Mi --limits=memory=512Mi -o yaml
# kubectl describe node                          # Allocatable, and "Allocated resources": the requests
# kubectl get pods -o wide                       # which node each pod went to
# kubectl get events --field-selector reason=FailedScheduling   # "Insufficient cpu"
# ```

# %% [markdown]
# [← 08 Registries and distribution](08-registries-and-distribution.ipynb) | [Index](00-index.ipynb)
