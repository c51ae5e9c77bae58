"""dive-compatible numbers, checked against dive's own published figures (see dive_scenarios)."""

from __future__ import annotations

import math

from simulator import Entry, Image, Layer
from simulator.analysis import dive_efficiency, efficiency, humanize_bytes

from .dive_scenarios import dive_test_image, efficiency_test_trees


def test_dive_unit_test_scenario():
    report = dive_efficiency(efficiency_test_trees())
    assert report.efficiency == 0.75
    assert [(p.path, p.cumulative_size, p.layers) for p in report.inefficiencies] == [
        ("/etc/nginx/nginx.conf", 7000, (0, 1))
    ]


def test_dive_test_image_figures():
    report = dive_efficiency(dive_test_image())
    assert report.efficiency == 0.9844212134184309
    assert report.size_bytes == 1220598
    assert report.user_size_bytes == 66237
    assert report.wasted_bytes == 32025
    assert report.user_wasted_percent == 0.4834911001404049
    assert [(p.path, p.count, p.cumulative_size) for p in report.inefficiencies] == [
        ("/root/saved.txt", 2, 12810),
        ("/root/example/somefile1.txt", 2, 12810),
        ("/root/example/somefile3.txt", 2, 6405),
    ]


def test_dive_ci_text():
    text = dive_efficiency(dive_test_image()).ci_text()
    assert text == "\n".join(
        [
            "  efficiency: 98.4421 %",
            "  wastedBytes: 32025 bytes (32 kB)",
            "  userWastedPercent: 48.3491 %",
            "Inefficient Files:",
            "Count  Wasted Space  File Path",
            "    2         13 kB  /root/saved.txt",
            "    2         13 kB  /root/example/somefile1.txt",
            "    2        6.4 kB  /root/example/somefile3.txt",
        ]
    )


def test_same_total_different_story():
    """On dive's image both measures waste 32025 bytes, but not the same bytes (docs/analysis.md)."""
    ours = efficiency(dive_test_image())
    assert ours.wasted_bytes == 32025
    assert ours.by_reason == {"deleted-dir": 12810, "metadata-copy": 12810, "deleted": 6405}
    assert "/root/example/somefile2.txt" in {p.path for p in ours.paths}
    assert "/root/example/somefile2.txt" not in {
        p.path for p in dive_efficiency(dive_test_image()).inefficiencies
    }


def test_dive_ignores_opaque_directories():
    lower = Layer.of({"/d": Entry.directory(), "/d/big": Entry.file(b"x" * 1000)})
    upper = Layer.of({"/d": Entry.directory(opaque=True)})
    image = Image.of([lower, upper])
    assert dive_efficiency(image).wasted_bytes == 0 and dive_efficiency(image).efficiency == 1.0
    assert efficiency(image).wasted_bytes == 1000


def test_dive_counts_the_kept_copy_too():
    a = Layer.of({"/f": Entry.file(b"x" * 100)})
    b = Layer.of({"/f": Entry.file(b"y" * 100)})
    image = Image.of([a, b])
    assert dive_efficiency(image).wasted_bytes == 200
    assert efficiency(image).wasted_bytes == 100


def test_scratch_image_and_empty_user_layers():
    report = dive_efficiency(Image.of([Layer.of({"/nothing": Entry.file(b"")})]))
    assert report.efficiency == 1.0 and report.inefficiencies == ()
    assert math.isnan(report.user_wasted_percent)
    assert "None" in report.ci_text()


def test_humanize_bytes():
    assert [humanize_bytes(n) for n in (0, 9, 999, 6405, 12810, 32025, 1220598)] == [
        "0 B",
        "9 B",
        "999 B",
        "6.4 kB",
        "13 kB",
        "32 kB",
        "1.2 MB",
    ]
