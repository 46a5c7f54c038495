"""The real Flask app under gunicorn, in its own process, on 127.0.0.1."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import version as _dist_version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


class LiveServer(str):
    """The server's base URL, ``http://127.0.0.1:PORT`` (no trailing slash), and its log."""

    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def gunicorn_command(workers: int = 1, port: int = 0, app: str = "skill.web:app") -> list[str]:
    # Port 0: the kernel picks a free port and gunicorn logs it, so there is no race for it.
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--access-logfile", "-"]
    major, minor = (int(part) for part in _dist_version("gunicorn").split(".")[:2])
    if (major, minor) >= (25, 1):
        # Otherwise every gunicorn claims the same control socket, ~/.gunicorn/gunicorn.ctl.
        command.append("--no-control-socket")
    return [*command, app]


class GunicornServer:
    """Start, stop (by PID) and restart a gunicorn serving the skill.

    Verification is off and SKILL_ID unset unless ``env`` says otherwise; the
    SQLite store is wherever ``env``'s SQLITE_PATH (or the test default) says.
    """

    def __init__(self, workdir: Path, env: dict | None = None, workers: int = 1, app: str = "skill.web:app"):
        self.workdir = Path(workdir)
        self.env = {**os.environ, "ASK_SDK_VERIFY_SIGNATURE": "false", "ASK_SDK_VERIFY_TIMESTAMP": "false",
                    "PYTHONUNBUFFERED": "1", **(env or {})}
        if "SKILL_ID" not in (env or {}):
            self.env.pop("SKILL_ID", None)
        self.workers = workers
        self.app = app
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.url: LiveServer | None = None

    def start(self, port: int = 0) -> LiveServer:
        self.starts += 1
        log_path = self.workdir / f"gunicorn-{self.starts}.log"
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(gunicorn_command(self.workers, port, self.app), cwd=ROOT, env=self.env,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        url = LiveServer(self._wait_until_serving(log_path))
        url.log_path = log_path
        self.url = url
        return url

    def _wait_until_serving(self, log_path: Path, timeout: float = 30.0) -> str:
        """The base URL once GET /health answers; fails with gunicorn's log if it never does."""
        deadline = time.monotonic() + timeout
        url = None
        while time.monotonic() < deadline:
            log = log_path.read_text(encoding="utf-8", errors="replace")
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with code {self.process.returncode}:\n{log}")
            if url is None and (match := _LISTENING.search(log)):
                url = f"http://127.0.0.1:{match.group(1)}"
            if url is not None:
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                        if response.status == 200:
                            return url
                except OSError:  # not accepting yet (URLError and HTTPError are OSErrors)
                    pass
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"gunicorn did not answer GET /health within {timeout:.0f}s:\n{log_path.read_text()}")

    def stop(self) -> None:
        stop_process(self.process)  # SIGTERM to gunicorn's master, by its PID; it stops its workers
        self.process = None


def stop_process(process: subprocess.Popen | None, grace: float = 10.0) -> None:
    """Stop a server by its process id: SIGTERM, then SIGKILL if it lingers."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
