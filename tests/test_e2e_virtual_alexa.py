"""End-to-end: virtual-alexa (npm) drives the real HTTP endpoint with the real model.

The conversation itself lives in e2e/quick_routine.test.js; this test starts
the server (``live_server``) and runs it with ``node --test``.
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
TEST_FILE = "quick_routine.test.js"


def _not_ready() -> str | None:
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (E2E / "node_modules" / "virtual-alexa").is_dir():
        return "e2e/node_modules is missing: run `npm ci --prefix e2e`"
    return None


def test_quick_routine_through_virtual_alexa(request):
    reason = _not_ready()
    if reason:
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"end-to-end test cannot run on CI: {reason}")
        pytest.skip(reason)
    server = request.getfixturevalue("live_server")  # only once we know node can run

    env = {**os.environ, "SKILL_URL": f"{server}/", "AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE": "1"}
    result = subprocess.run([shutil.which("node"), "--test", TEST_FILE], cwd=E2E, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, (
        f"node --test {TEST_FILE} exited with {result.returncode}\n"
        f"--- node stdout ---\n{result.stdout}\n--- node stderr ---\n{result.stderr}\n"
        f"--- server log ---\n{server.log()}"
    )
