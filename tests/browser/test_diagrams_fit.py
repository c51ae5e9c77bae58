"""Every diagram readable where it is shown, measured in a real browser (issue 14).

Each lesson runs in JupyterLab in Debian's chromium at 1024x768, at 1280x800 and at 1280x800
with 150 % zoom (a 853x533 CSS viewport at device scale 1.5, which is what browser zoom is).
After Run All, every diagram of the notebook, and every view of its stepper and playground
(their view buttons clicked one by one), is measured:

- the smallest text on screen: each SVG ``<text>``'s font size times the drawn scale (rendered
  width over the ``viewBox`` width) times the device pixel ratio; under ``MIN_PX`` fails;
- the diagram's box must not reach past the output column, and the diagram must not need its
  scroll box at all (issue 14: "scale to the column"): a diagram whose width at the 12 px floor
  exceeds the column (``scrollWidth`` over ``clientWidth``) fails, at every size including
  150 % zoom, where the floor is 12 px on screen (simulator.viz.fit: the zoom media query).

A screenshot of every diagram measured is kept in ``artifacts/browser/fit/<size>/``, and a
table of the measurements in ``artifacts/browser/fit/measurements.txt``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._jupyterlab import jupyterlab

from .test_playground_in_jupyterlab import ARTIFACTS, CHROMIUM, ROOT, _run_all_cells

pytestmark = pytest.mark.browser

MIN_PX = 10.0
"""The issue's failing threshold (the layout aims at 12 px: simulator.viz.fit.MIN_TEXT_PX)."""
TOKEN = "layerlab-fit-test"
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("0[1-9]-*.ipynb"))
SIZES: dict[str, tuple[Any, float]] = {
    "1024x768": ({"width": 1024, "height": 768}, 1.0),
    "1280x800": ({"width": 1280, "height": 800}, 1.0),
    "1280x800-zoom150": ({"width": 853, "height": 533}, 1.5),
}
OUT = ARTIFACTS / "fit"

MEASURE = """
() => {
  const out = [];
  document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .layerlab-diagram').forEach((d, i) => {
    const svg = d.querySelector('svg');
    if (!svg) return;
    const column = d.closest('.jp-OutputArea-output') || d.closest('.jp-Cell');
    const box = d.querySelector('.layerlab-diagram-box') || d;
    const c = column.getBoundingClientRect();
    // what is on screen: the box clipped by every scrolling ancestor up to the column
    let b = box.getBoundingClientRect(), left = b.left, right = b.right;
    for (let e = box.parentElement; e && e !== column.parentElement; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') {
        const r = e.getBoundingClientRect();
        left = Math.max(left, r.left); right = Math.min(right, r.right);
      }
    }
    b = {left, right, width: right - left};
    const s = svg.getBoundingClientRect();
    const vb = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal.width : s.width;
    const scale = s.width / vb;
    let smallest = Infinity, sample = '';
    svg.querySelectorAll('text').forEach(t => {
      const f = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize);
      if (f && f < smallest) { smallest = f; sample = t.textContent; }
    });
    d.setAttribute('data-fit-index', String(i));
    out.push({index: i, widget: !!d.closest('.jupyter-widgets'),
              title: (svg.querySelector('title') || {}).textContent || '',
              text_px: smallest * scale * window.devicePixelRatio, sample,
              overflow_px: Math.max(0, b.right - c.right, c.left - b.left),
              scroll_px: Math.max(0, box.scrollWidth - box.clientWidth),
              column_px: c.width, box_px: b.width, svg_px: s.width});
  });
  return out;
}
"""


LAYOUT = r"""
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const out = [];
  panel.querySelectorAll('.layerlab-stepper button, .layerlab-playground button').forEach(b => {
    const label = b.textContent.trim();
    if (label && b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
      out.push(`button "${label}" truncated (${b.scrollWidth} > ${b.clientWidth} px)`);
  });
  panel.querySelectorAll('.layerlab-stepper table.layerlab tr').forEach(tr => {
    const cells = [...tr.children];
    cells.forEach(td => {
      const words = td.textContent.trim().split(/\s+/).length;
      // the text's own line boxes (a cell is as tall as its row, whatever its text)
      const range = document.createRange();
      range.selectNodeContents(td);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
      if (words >= 3 && lines >= words) out.push(`table cell "${td.textContent.trim()}" one word per line`);
    });
  });
  return out;
}
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (CI installs Debian's chromium with apt)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (test extra)")
    pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (test extra)")
    tmp = tmp_path_factory.mktemp("fit")
    work = tmp / "lessons"
    work.mkdir()
    for name in LESSONS:
        shutil.copy(ROOT / "notebooks" / name, work / name)
    # the project's settings (no news prompt), and every cell rendered (no windowing), so that
    # diagrams far down the notebook are laid out and measurable
    settings = tmp / "lab-settings"
    settings.mkdir()
    overrides = json.loads((ROOT / "jupyter" / "lab-settings" / "overrides.json").read_text())
    overrides["@jupyterlab/notebook-extension:tracker"] = {"windowingMode": "none"}
    (settings / "overrides.json").write_text(json.dumps(overrides))
    with jupyterlab(
        work,
        tmp / "state",
        token=TOKEN,
        args=[
            f"--LabApp.app_settings_dir={settings}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env={"PYTHONPATH": str(ROOT)},  # the kernel imports this checkout's simulator
    ) as url:
        yield url


def _views(page: Any) -> list[Any]:
    """The view buttons of the stepper and the playground (each one is a widget view)."""
    return page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .layerlab-stepper .widget-toggle-buttons button, "
        ".jp-NotebookPanel:not(.lm-mod-hidden) .layerlab-playground .widget-toggle-buttons button"
    ).all()


def _measure(page: Any, where: str, shots: Path, rows: list[dict[str, Any]]) -> None:
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached")
    page.wait_for_timeout(800)  # debounced widget diagrams
    for item in page.evaluate(MEASURE):
        item["where"] = where
        rows.append(item)
        diagram = page.locator(f".layerlab-diagram[data-fit-index='{item['index']}']").first
        try:
            diagram.scroll_into_view_if_needed(timeout=5_000)
            diagram.screenshot(path=str(shots / f"{where}-{item['index']:02d}.png"), timeout=10_000)
        except Exception as exc:  # a screenshot is evidence, not the test
            item["screenshot"] = f"failed: {exc}"


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_diagram_is_readable_and_fits_its_column(lab: str, tmp_path: Path, size: str) -> None:
    from playwright.sync_api import sync_playwright

    viewport, scale = SIZES[size]
    shots = OUT / size
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    rows: list[dict[str, Any]] = []
    squeezed: list[str] = []  # issue 14: "B..." and a cache table one word per line at 150 %
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            viewport=viewport,
            device_scale_factor=scale,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.pages[0] if browser.pages else browser.new_page()
        try:
            for name in LESSONS:
                page.close()  # no beforeunload prompt; a fresh page and workspace per lesson
                page = browser.new_page()
                page.set_default_timeout(60_000)
                page.goto(f"{lab}/lab/tree/{name}?reset&token={TOKEN}")
                page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached")
                page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()
                _run_all_cells(page)
                page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .layerlab-diagram svg")
                stem = name.split("-")[0]
                _measure(page, stem, shots, rows)
                squeezed.extend(f"{stem}: {problem}" for problem in page.evaluate(LAYOUT))
                for i, button in enumerate(_views(page)):
                    button.scroll_into_view_if_needed()
                    button.click()
                    _measure(page, f"{stem}-view{i}", shots, rows)
        except Exception:
            page.screenshot(path=str(shots / "failure.png"))
            raise
        finally:
            browser.close()
    with (OUT / "measurements.txt").open("a") as table:
        for r in rows:
            table.write(
                f"{size:18} {r['where']:10} #{r['index']:<2} text {r['text_px']:5.1f}px  "
                f"overflow {r['overflow_px']:5.1f}px  scroll {r['scroll_px']:5.0f}px  column {r['column_px']:6.0f}  "
                f"svg {r['svg_px']:6.0f}  {'widget' if r['widget'] else 'cell  '}  {r['title']}\n"
            )
    assert rows, "no diagram was measured"
    small = [r for r in rows if r["text_px"] < MIN_PX]
    wide = [r for r in rows if r["overflow_px"] > 1]
    scrolls = [r for r in rows if r["scroll_px"] > 1]
    assert not small, "text under 10 px: " + "; ".join(
        f"{r['where']}#{r['index']} {r['title']} {r['text_px']:.1f}px ({r['sample']!r})" for r in small
    )
    assert not squeezed, "; ".join(squeezed)
    assert not wide, "past the column: " + "; ".join(
        f"{r['where']}#{r['index']} {r['title']} by {r['overflow_px']:.0f}px" for r in wide
    )
    assert not scrolls, "wider than the column at 12 px text (a scroll box): " + "; ".join(
        f"{r['where']}#{r['index']} {r['title']} by {r['scroll_px']:.0f}px" for r in scrolls
    )
