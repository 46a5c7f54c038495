#!/usr/bin/env python3
"""Benchmark: Back Stretch Coach against a physical floor measured in the same run; runs every measurement.

Every figure is reported next to a floor measured the same way, in the same run, so the targets are
ratios. One module per measurement, each runnable alone (``.venv/bin/python bench/<name>.py --quick``),
all sharing bench/runner.py (child processes, timing helpers, ratios, the table, the command line):

* bench/bundle.py: bundle size, the skill's dist/lambda.zip against the hello world bundled alike;
* bench/cold_start.py: fresh ``python -I -S`` processes per subject, wall time and ``-X importtime``;
* bench/lambda_model.py: init and first-invoke CPU time, the modelled first answer at the template's memory;
* bench/warm_turns.py: whole quick routines through the Lambda handler, and resident memory;
* bench/store_operations.py: store reads/writes per routine, SQLite and DynamoDB (moto);
* bench/endpoint.py: gunicorn skill.web:app against a trivial Flask app under the same load.

    .venv/bin/python bench/run.py            # full run (a few minutes); or `make bench`
    .venv/bin/python bench/run.py --quick    # short run
    .venv/bin/python bench/run.py --json-only

Writes bench/results.json (git-ignored). Everything temporary lives in one temporary directory, removed
at the end; every server is stopped by its PID. Not part of the pytest suite. See BENCHMARKS.md.
"""

import sys

import bundle
import cold_start
import endpoint
import lambda_model
import runner  # bench/ is on sys.path: this script's own folder
import store_operations
import warm_turns

MEASUREMENTS = [bundle, cold_start, lambda_model, warm_turns, store_operations, endpoint]


def main(argv: list[str] | None = None) -> int:
    return runner.main(MEASUREMENTS, argv)


if __name__ == "__main__":
    sys.exit(main())
