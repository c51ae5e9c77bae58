"""A real browser: JupyterLab, the container-playground notebook, a typed command, a click.

JupyterLab runs on a free local port over a copy of the notebooks (so autosave touches nothing
in the repository); Debian's chromium is driven by Playwright (no browser download: it is
given by ``executable_path``).  Screenshots go to ``artifacts/browser/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._jupyterlab import jupyterlab

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
NOTEBOOK = "02-containers-copy-on-write.ipynb"
TOKEN = "layerlab-browser-test"

pytestmark = pytest.mark.browser


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (CI installs Debian's chromium with apt)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (test extra)")
    pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (test extra)")
    work = tmp_path / "notebooks"
    work.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, work / NOTEBOOK)
    with jupyterlab(
        work,
        tmp_path / "state",
        token=TOKEN,
        args=["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
    ) as url:
        yield url


def _diagram_html(page: Any) -> str:
    return page.locator(".layerlab-playground .layerlab-diagram").first.inner_html()


def _run_all_cells(page: Any) -> None:
    """Run → Run All Cells, again if the kernel was not ready to take it (no cell started)."""
    for attempt in range(3):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt')]"
                ".some(p => /\\[(\\d+|\\*)\\]/.test(p.textContent))",
                timeout=20_000,
            )
            return
        except Exception:
            if attempt == 2:
                raise


def test_playground_command_changes_the_diagram(lab: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a fresh user-data dir
            executable_path=CHROMIUM,
            headless=True,
            viewport={"width": 1600, "height": 1000},
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.pages[0] if browser.pages else browser.new_page()
        try:
            page.set_default_timeout(60_000)
            page.goto(f"{lab}/lab/tree/{NOTEBOOK}?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached")
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()  # the kernel has started
            page.screenshot(path=str(ARTIFACTS / "01-opened.png"))

            _run_all_cells(page)
            playground = page.locator(".layerlab-playground").first
            try:
                playground.wait_for(state="visible")
            finally:
                page.screenshot(path=str(ARTIFACTS / "01b-after-run-all.png"))
            page.wait_for_selector(".layerlab-playground .layerlab-diagram svg")
            playground.scroll_into_view_if_needed()
            # the cell after the widget runs a command from code: wait until the kernel is idle
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached")
            page.wait_for_function(
                "() => document.querySelector('.layerlab-playground .layerlab-terminal')"
                "?.innerText.includes('from-the-playground')"
            )
            page.wait_for_timeout(1500)  # the diagram's debounced render after that command
            before = _diagram_html(page)
            playground.screenshot(path=str(ARTIFACTS / "02-playground-before.png"))

            command = playground.locator(".layerlab-command input")
            command.fill("echo from-the-browser > /etc/motd && rm /etc/issue")
            playground.locator("button.layerlab-run").click()
            page.wait_for_function(
                "() => document.querySelector('.layerlab-playground .layerlab-diagram')"
                "?.innerHTML.includes('/etc/issue')"
            )
            after = _diagram_html(page)
            playground.screenshot(path=str(ARTIFACTS / "03-playground-after.png"))
            page.screenshot(path=str(ARTIFACTS / "04-page.png"), full_page=False)

            assert after != before
            assert "whiteout" in after
            assert "D /etc/issue" in playground.locator(".layerlab-diff").inner_text()
            assert "$ echo from-the-browser" in playground.locator(".layerlab-terminal").inner_text()
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "failure.png"))
            raise
        finally:
            browser.close()
