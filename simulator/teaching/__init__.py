"""Teaching: the notebooks' exercises (``check_*``), their feedback, and misconception probes.

- :mod:`.checks`: one ``check_*`` function per exercise; the truth is computed with the engine;
- :mod:`.checks_cluster`, :mod:`.checks_runtime`: the same for the cluster and runtime lessons;
- :mod:`.checks_registry`: what a pull downloads, a push that mounts (issue 12, lesson 08);
- :mod:`.feedback`: :class:`Feedback` (``✓``/``✗``/``…`` with a hint) and the helpers checks use;
- :mod:`.probes`: :class:`Probe`, a prediction form whose answer (kept in :data:`PROBES`) shows
  only after the student commits a prediction and a reason; :func:`reveal` for hand-written ones.
"""

from __future__ import annotations

from .checks import (
    check_cache_friendly,
    check_copy_up,
    check_disk_usage,
    check_errno,
    check_image_id_changes,
    check_layer_count,
    check_layer_lines,
    check_multi_stage,
    check_opaque_dir,
    check_rebuilt_steps,
    check_same_layer_cleanup,
    check_shared_layers,
    check_whiteout,
    check_whiteout_on_disk,
)
from .checks_cluster import check_chosen_node, check_fits_only_on
from .checks_registry import check_downloaded_blobs, check_mounted_push
from .checks_runtime import check_limits_fit, check_stop_exit_codes
from .feedback import Feedback
from .probes import PROBES, Probe, reveal

__all__ = [
    "PROBES",
    "Feedback",
    "Probe",
    "check_cache_friendly",
    "check_chosen_node",
    "check_copy_up",
    "check_disk_usage",
    "check_downloaded_blobs",
    "check_errno",
    "check_fits_only_on",
    "check_image_id_changes",
    "check_layer_count",
    "check_layer_lines",
    "check_limits_fit",
    "check_mounted_push",
    "check_multi_stage",
    "check_opaque_dir",
    "check_rebuilt_steps",
    "check_same_layer_cleanup",
    "check_shared_layers",
    "check_stop_exit_codes",
    "check_whiteout",
    "check_whiteout_on_disk",
    "reveal",
]
