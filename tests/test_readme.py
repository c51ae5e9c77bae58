"""The API sketch in README.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path


def test_readme_python_example_runs(capsys) -> None:  # type: ignore[no-untyped-def]
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README.md has no python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # our own documentation
    out = capsys.readouterr().out
    assert "C /etc" in out and "IMAGE" in out and "Images space usage:" in out
