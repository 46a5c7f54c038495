"""The real web app under gunicorn, in its own process on 127.0.0.1: for tests, the load test and bench.

``GunicornServer(workdir, env, workers).start()`` binds port 0 (the kernel picks a free port, gunicorn
logs it), waits for GET /health and returns the base URL; ``stop()`` stops it by its PID. Request
verification is off and SKILL_ID / DYNAMODB_TABLE are unset unless ``env`` sets them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import version as _dist_version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 30.0
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


class ServerError(RuntimeError):
    """gunicorn exited or never answered; the message carries its log."""


class LiveServer(str):
    """The server's base URL, ``http://127.0.0.1:PORT`` (no trailing slash), and its log."""

    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def gunicorn_command(workers: int = 1, port: int = 0, app: str = "skill.web:app", access_log: bool = True) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               *(["--access-logfile", "-"] if access_log else [])]
    major, minor = (int(part) for part in _dist_version("gunicorn").split(".")[:2])
    if (major, minor) >= (25, 1):
        # Otherwise every gunicorn claims the same control socket, ~/.gunicorn/gunicorn.ctl.
        command.append("--no-control-socket")
    return [*command, app]


def stop_process(process: subprocess.Popen | None, grace: float = 10.0) -> None:
    """Stop a server by its process id: SIGTERM, then SIGKILL if it lingers."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class GunicornServer:
    def __init__(self, workdir: Path, env: dict | None = None, workers: int = 1, app: str = "skill.web:app",
                 access_log: bool = True):
        self.workdir = Path(workdir)
        self.env = {**os.environ, "ASK_SDK_VERIFY_SIGNATURE": "false", "ASK_SDK_VERIFY_TIMESTAMP": "false",
                    "PYTHONUNBUFFERED": "1", **(env or {})}
        for name in ("SKILL_ID", "DYNAMODB_TABLE"):
            if name not in (env or {}):
                self.env.pop(name, None)
        self.workers = workers
        self.app = app
        self.access_log = access_log
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.url: LiveServer | None = None
        self.log_path = self.workdir / "gunicorn-0.log"

    def start(self, port: int = 0) -> LiveServer:
        self.starts += 1
        self.log_path = self.workdir / f"gunicorn-{self.starts}.log"
        with self.log_path.open("wb") as log:
            command = gunicorn_command(self.workers, port, self.app, self.access_log)
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        url = LiveServer(self._wait_until_serving())
        url.log_path = self.log_path
        self.url = url
        return url

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def _wait_until_serving(self, timeout: float = STARTUP_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        url = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn exited with code {self.process.returncode}:\n{self.log()}")
            if url is None and (match := _LISTENING.search(self.log())):
                url = f"http://127.0.0.1:{match.group(1)}"
            if url is not None:
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                        if response.status == 200:
                            return url
                except OSError:  # not accepting yet
                    pass
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"gunicorn did not answer GET /health within {timeout:.0f}s:\n{self.log()}")

    def stop(self) -> None:
        stop_process(self.process)  # SIGTERM to gunicorn's master, by its PID; it stops its workers
        self.process = None
