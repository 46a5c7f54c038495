#!/usr/bin/env python3
"""The cost of a turn that reads the device's time zone (issue 16), against Amazon's documented API stand-in.

    .venv/bin/python bench/time_zone_read.py [--turns 200]

One warm process, the Lambda handler with no store, the Settings API stand-in over TLS on 127.0.0.1
(skill_dev/alexa_api.py). Alternating launches: one whose state needs the zone read (a week old), one whose
zone is fresh (no call). Reports medians and the difference. A real Settings API is farther away than
127.0.0.1: the network round trip to api.amazonalexa.com adds to the difference; the timeout
(skill.services.API_TIMEOUT_SECONDS) caps it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from skill.engine import CoachState  # noqa: E402
from skill.skill_builder import build_lambda_handler  # noqa: E402
from skill_dev.alexa_api import AlexaApiStandIn  # noqa: E402
from skill_dev.envelopes import Session  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=200, help="launches of each kind")
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.INFO)
    handler = build_lambda_handler(persistence=None)
    with AlexaApiStandIn(tls=True) as api:
        os.environ["REQUESTS_CA_BUNDLE"] = api.ca_file
        os.environ["NO_PROXY"] = "127.0.0.1"
        api.grant("token", permissions=set())
        timings: dict[str, list[float]] = {"reads the zone": [], "zone kept": []}
        for number in range(args.turns * 2 + 20):
            session = Session(api_endpoint=api.endpoint, api_token="token")
            api.time_zones[session.device_id] = "America/Los_Angeles"
            today = int(time.time() // 86400)
            reads = number % 2 == 0
            state = CoachState(safety_said=True, time_zone="America/Los_Angeles",
                               zone_checked=today - (8 if reads else 1))
            session.new = False
            session.attributes = {"coach": state.to_session()}
            envelope = session.launch()
            started = time.perf_counter()
            handler(envelope, None)
            elapsed = (time.perf_counter() - started) * 1000
            if number >= 20:  # warm-up: connections, caches
                timings["reads the zone" if reads else "zone kept"].append(elapsed)
        calls = len(api.requests_to("/v2/devices/", "GET"))
    for kind, values in timings.items():
        p90 = sorted(values)[int(len(values) * .9)]
        print(f"{kind:>15}: median {statistics.median(values):.2f} ms, p90 {p90:.2f} ms over {len(values)} launches")
    extra = statistics.median(timings["reads the zone"]) - statistics.median(timings["zone kept"])
    print(f"extra latency of a turn that reads the time zone: {extra:.2f} ms (median); "
          f"{calls} Settings API calls for {args.turns + 10} reading launches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
