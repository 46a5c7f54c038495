#!/usr/bin/env python3
"""Profiles of the costs bench/run.py measures, to see what dominates a missed target.

    .venv/bin/python bench/profile_costs.py warm              # warm turns, PERSISTENCE=none
    .venv/bin/python bench/profile_costs.py warm --persistence sqlite
    .venv/bin/python bench/profile_costs.py endpoint          # skill.web:app, a new user's LaunchRequest, SQLite
    .venv/bin/python bench/profile_costs.py cold-dynamodb     # a fresh process: import + first LaunchRequest, DynamoDB

cProfile by default (standard library; it slows small calls down, so read the
proportions, not the times); ``--pyinstrument`` uses pyinstrument if it is
installed (``.venv/bin/pip install pyinstrument``; not a project dependency).
Runs the repository's code (not a bundle). (Not named profile.py: that
would shadow the standard library's ``profile``, which cProfile imports.) Logging goes to a temporary file,
as on Lambda. Everything temporary is removed; the moto server is stopped by
its PID. Not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from skill_dev.envelopes import DEFAULT_SKILL_ID, Session  # noqa: E402

QUICK_STRETCHES = 4  # the quick routine (skill/content/routines.py)


class Profile:
    """start()/stop() around the measured calls; report() as text."""

    def __init__(self, use_pyinstrument: bool):
        self.pyinstrument = None
        if use_pyinstrument:
            from pyinstrument import Profiler

            self.pyinstrument = Profiler(interval=0.0001)
        self.cprofile = cProfile.Profile() if self.pyinstrument is None else None

    def start(self) -> None:
        if self.pyinstrument:
            self.pyinstrument.start()
        else:
            self.cprofile.enable()

    def stop(self) -> None:
        if self.pyinstrument:
            self.pyinstrument.stop()
        else:
            self.cprofile.disable()

    def report(self, top: int) -> str:
        if self.pyinstrument:
            return self.pyinstrument.output_text(unicode=False, color=False)
        out = io.StringIO()
        stats = pstats.Stats(self.cprofile, stream=out)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        return out.getvalue()


def lambda_environment(work: Path, persistence: str) -> None:
    os.environ.update({"PERSISTENCE": persistence, "SQLITE_PATH": str(work / "profile.sqlite3"),
                       "AWS_LAMBDA_FUNCTION_NAME": "back-stretch-coach-profile", "SKILL_ID": DEFAULT_SKILL_ID})
    os.environ.pop("DYNAMODB_TABLE", None)
    logging.getLogger().addHandler(logging.FileHandler(work / "skill.log"))  # as the Lambda runtime's handler


def warm(args, work: Path) -> str:
    """Whole quick routines plus a stopped session (as bench/run.py's warm turns); only the handler is profiled."""
    lambda_environment(work, args.persistence)
    from skill.skill_builder import build_lambda_handler

    handler = build_lambda_handler()
    start = ("StartRoutineIntent", {"routine": "quick"})
    plan = [[None, start, *[("AMAZON.NextIntent", None)] * QUICK_STRETCHES],
            [None, start, ("AMAZON.NextIntent", None), ("AMAZON.StopIntent", None)]]
    profile = Profile(args.pyinstrument)
    for repeat in range(20 + args.repeats):  # 20 warm-up repeats
        session = Session()
        for conversation in plan:
            for turn in conversation:
                event = session.launch() if turn is None else session.intent(*turn)
                if repeat >= 20:
                    profile.start()
                response = handler(event, None)
                if repeat >= 20:
                    profile.stop()
                session.absorb(response)
            session.end()
    return profile.report(args.top)


def endpoint(args, work: Path) -> str:
    """skill.web:app called as WSGI (no HTTP), a new user's LaunchRequest each time, SQLite in a temp dir."""
    os.environ.update({"ASK_SDK_VERIFY_SIGNATURE": "false", "ASK_SDK_VERIFY_TIMESTAMP": "false",
                       "PERSISTENCE": "sqlite", "SQLITE_PATH": str(work / "endpoint.sqlite3")})
    os.environ.pop("DYNAMODB_TABLE", None)
    os.environ.pop("AWS_LAMBDA_FUNCTION_NAME", None)
    from werkzeug.test import EnvironBuilder

    import skill.web

    app = skill.web.create_app()
    logging.getLogger().handlers[:] = [h for h in logging.getLogger().handlers if getattr(h, "stream", None)
                                       is not sys.stderr]
    logging.getLogger().addHandler(logging.FileHandler(work / "endpoint.log"))  # as gunicorn's captured stderr
    profile = Profile(args.pyinstrument)
    for number in range(200 + args.requests):  # 200 warm-up requests
        body = json.dumps(Session().launch()).encode()
        environ = EnvironBuilder(method="POST", path="/", data=body, content_type="application/json").get_environ()
        status = []
        if number >= 200:
            profile.start()
        chunks = app(environ, lambda s, h, e=None, status=status: status.append(s))  # status: this request's
        b"".join(chunks)
        if number >= 200:
            profile.stop()
        if not status[0].startswith("200"):
            raise RuntimeError(f"endpoint answered {status[0]}")
    return profile.report(args.top)


COLD_CHILD = """
import cProfile, io, json, logging, pstats, sys
sys.path[:0] = {path!r}
logging.getLogger().addHandler(logging.FileHandler({log!r}))
use_pyinstrument = {pyinstrument!r}
if use_pyinstrument:
    from pyinstrument import Profiler
    profiler = Profiler(interval=0.0001); profiler.start()
else:
    profiler = cProfile.Profile(); profiler.enable()
import lambda_function
response = lambda_function.lambda_handler(json.loads({event!r}), None)
if use_pyinstrument:
    profiler.stop(); print(profiler.output_text(unicode=False, color=False))
else:
    profiler.disable(); out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats({top})
    print(out.getvalue())
assert "Welcome" in response["response"]["outputSpeech"]["ssml"], response
"""


def cold_dynamodb(args, work: Path) -> str:
    """A fresh interpreter: import lambda_function and answer one LaunchRequest, DynamoDB on a moto server."""
    from skill_dev.dynamodb_server import CREDENTIALS, REGION, MotoServer, create_table, dynamodb_client

    server = MotoServer(work / "moto")
    server.start()
    try:
        table = f"bsc-profile-{uuid.uuid4().hex[:8]}"
        create_table(dynamodb_client(server.endpoint_url), table)
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "HOME", "TMPDIR")}
        env.update({**CREDENTIALS, "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, "PERSISTENCE": "dynamodb",
                    "DYNAMODB_TABLE": table, "DYNAMODB_ENDPOINT_URL": server.endpoint_url,
                    "AWS_LAMBDA_FUNCTION_NAME": "back-stretch-coach-profile", "SKILL_ID": DEFAULT_SKILL_ID,
                    "AWS_EC2_METADATA_DISABLED": "true", "NO_PROXY": "127.0.0.1,localhost"})
        import site

        path = [str(ROOT / "lambda"), str(ROOT), *site.getsitepackages()]
        code = COLD_CHILD.format(path=path, log=str(work / "cold.log"), pyinstrument=bool(args.pyinstrument),
                                 event=json.dumps(Session().launch()), top=args.top)
        result = subprocess.run([sys.executable, "-I", "-S", "-c", textwrap.dedent(code)], capture_output=True,
                                text=True, env=env, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"the profiled process failed:\n{result.stderr[-3000:]}")
        return result.stdout
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile what bench/run.py measures.")
    parser.add_argument("what", choices=("warm", "endpoint", "cold-dynamodb"))
    parser.add_argument("--persistence", choices=("none", "sqlite"), default="none", help="warm: the store")
    parser.add_argument("--repeats", type=int, default=300, help="warm: conversations profiled (default 300)")
    parser.add_argument("--requests", type=int, default=2000, help="endpoint: requests profiled (default 2000)")
    parser.add_argument("--top", type=int, default=30, help="cProfile: rows shown (default 30)")
    parser.add_argument("--pyinstrument", action="store_true", help="use pyinstrument (if installed)")
    args = parser.parse_args(argv)
    if not 1 <= args.repeats <= 100_000 or not 1 <= args.requests <= 1_000_000:
        parser.error("--repeats / --requests out of range")
    work = Path(tempfile.mkdtemp(prefix="bsc-profile-"))
    try:
        report = {"warm": warm, "endpoint": endpoint, "cold-dynamodb": cold_dynamodb}[args.what](args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
