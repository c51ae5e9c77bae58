"""The notebooks' exercises, now in :mod:`simulator.teaching` (this module re-exports them).

Kept while the notebooks still say ``from simulator.exercises import ...``; new code imports
:mod:`simulator.teaching`.
"""

from __future__ import annotations

from .teaching import (
    Feedback,
    check_cache_friendly,
    check_copy_up,
    check_disk_usage,
    check_errno,
    check_image_id_changes,
    check_layer_count,
    check_multi_stage,
    check_opaque_dir,
    check_rebuilt_steps,
    check_same_layer_cleanup,
    check_shared_layers,
    check_whiteout,
    check_whiteout_on_disk,
    reveal,
)

__all__ = [
    "Feedback",
    "check_cache_friendly",
    "check_copy_up",
    "check_disk_usage",
    "check_errno",
    "check_image_id_changes",
    "check_layer_count",
    "check_multi_stage",
    "check_opaque_dir",
    "check_rebuilt_steps",
    "check_same_layer_cleanup",
    "check_shared_layers",
    "check_whiteout",
    "check_whiteout_on_disk",
    "reveal",
]
