"""The whole repository passes ruff with pyproject.toml's [tool.ruff] settings: pycodestyle, pyflakes,
bugbear, import order, and McCabe complexity (no function over 10)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def ruff_command() -> list[str] | None:
    """How to run ruff from this interpreter's environment (a dev dependency: make setup-dev), or None."""
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    beside = shutil.which("ruff", path=str(Path(sys.executable).parent))
    return [beside] if beside else None


def test_ruff_finds_nothing_in_the_repository():
    command = ruff_command()
    if command is None:
        pytest.skip("ruff is not installed (make setup-dev installs it)")
    # --no-cache: nothing written into the work tree.
    result = subprocess.run([*command, "check", ".", "--output-format", "concise", "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.fail(f"ruff check found problems:\n{result.stdout}{result.stderr}", pytrace=False)
