#!/usr/bin/env python3
"""What the per-turn log line costs a warm turn: the skill with logging at INFO and at WARNING, and the
hello-world floor, 400 quick-routine conversations each in this process (p50 per turn).

    .venv/bin/python bench/warm_logging.py INFO skill
    .venv/bin/python bench/warm_logging.py WARNING skill
    .venv/bin/python bench/warm_logging.py INFO hello

Logs go to a temporary file (as on Lambda, where they go to a pipe). Not part of the pytest suite.
"""

import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
level, subject = sys.argv[1], sys.argv[2]
logging.basicConfig(filename=tempfile.mktemp(suffix=".log"), level=getattr(logging, level))

from skill_dev.envelopes import Session  # noqa: E402

if subject == "skill":
    from skill.skill_builder import build_lambda_handler  # noqa: E402

    handler = build_lambda_handler(persistence=None)
else:
    sys.path.insert(0, str(ROOT / "bench" / "hello_world"))
    import lambda_function  # noqa: E402

    handler = lambda_function.lambda_handler
logging.getLogger().setLevel(getattr(logging, level))

times = []
for _ in range(400):
    session = Session()
    # Each lambda binds this repeat's session (a default argument), not whichever the loop reaches last.
    turns = [session.launch, lambda session=session: session.intent("StartRoutineIntent", {"routine": "quick"})]
    turns += [lambda session=session: session.intent("AMAZON.NextIntent")] * 4
    for make in turns:
        envelope = make()
        start = time.perf_counter()
        response = handler(envelope, None)
        times.append(time.perf_counter() - start)
        session.absorb(response)
print(f"{subject} with logging at {level}: p50 {statistics.median(times[600:]) * 1000:.3f} ms per turn "
      f"({len(times) - 600} turns after warm-up)")
