"""The README's "How it is built" table names every module of the skill and the developer package."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def table_paths() -> set[str]:
    """Paths the table names: each row's first cell, and for a folder's row the file names its text gives."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## How it is built", 1)[1].split("\n### ", 1)[0]
    named = set()
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        first, _, rest = row.partition(" | ")
        for path in re.findall(r"`([\w./-]+)`", first):
            named.add(path.rstrip("/"))
            if path.endswith("/"):
                named |= {path + name for name in re.findall(r"`([\w-]+\.py)`", rest)}
    return named


def test_every_module_and_package_is_in_the_table():
    named = table_paths()
    missing = []
    for package in ("skill", "skill_dev"):
        for entry in sorted((ROOT / package).iterdir()):
            path = f"{package}/{entry.name}"
            if entry.name.startswith(("_", ".")) or entry.suffix == ".pyc":
                continue
            if path not in named:
                missing.append(path)
    assert missing == [], f"add these to README.md's 'How it is built' table: {missing}"


def test_every_path_in_the_table_exists():
    assert [p for p in table_paths() if not (ROOT / p).exists()] == []
