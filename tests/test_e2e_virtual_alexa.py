"""End-to-end: virtual-alexa (npm) drives the real HTTP endpoint with the real model.

The conversations live in e2e/*.test.js (quick_routine.test.js: the happy
path; scenarios.test.js: repeat / go back / start over, how-to, that hurts and
skip, stop then resume in a new session); this test starts the server
(``live_server``) and runs them all with ``node --test``. Each JS test uses its
own virtual-alexa user, so they share the server without sharing saved state.
Set up once with ``npm ci --prefix e2e``. Without node or e2e/node_modules the
test is skipped, except under CI=true, where it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent.parent / "e2e"
#: Always expected; any other e2e/*.test.js is run too.
REQUIRED_TEST_FILES = ("quick_routine.test.js", "scenarios.test.js")


def _test_files() -> list[str]:
    found = sorted(path.name for path in E2E.glob("*.test.js"))
    missing = [name for name in REQUIRED_TEST_FILES if name not in found]
    assert not missing, f"missing end-to-end test files in {E2E}: {missing}"
    return found


def _not_ready() -> str | None:
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (E2E / "node_modules" / "virtual-alexa").is_dir():
        return "e2e/node_modules is missing: run `npm ci --prefix e2e`"
    return None


def test_conversations_through_virtual_alexa(request):
    reason = _not_ready()
    if reason:
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"end-to-end test cannot run on CI: {reason}")
        pytest.skip(reason)
    test_files = _test_files()
    server = request.getfixturevalue("live_server")  # only once we know node can run

    env = {**os.environ, "SKILL_URL": f"{server}/", "AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE": "1"}
    result = subprocess.run([shutil.which("node"), "--test", *test_files], cwd=E2E, env=env,
                            capture_output=True, text=True, timeout=180)

    assert result.returncode == 0, (
        f"node --test {' '.join(test_files)} exited with {result.returncode}\n"
        f"--- node stdout ---\n{result.stdout}\n--- node stderr ---\n{result.stderr}\n"
        f"--- server log ---\n{server.log()}"
    )
