"""What every measurement in bench/ shares: child processes, timing helpers, ratios, the table, the command line.

Each measurement is its own script (bench/bundle.py, bench/cold_start.py, bench/lambda_model.py,
bench/warm_turns.py, bench/store_operations.py, bench/endpoint.py) with the same interface:

    ORDER                    when it runs in a whole run (bench/run.py), lowest first
    measure(ws, args, results)   adds its figures to ``results`` (a dict, written to bench/results.json)
    REPORTS                  [(rank, function(results, table))]: its sections of the printed table, by rank
    TARGETS                  [(rank, function(results) -> [target rows])]: its lines under "Targets", by rank

and ends with ``sys.exit(runner.main([sys.modules[__name__]]))``, so each one runs alone, e.g.
``.venv/bin/python bench/cold_start.py --quick``; bench/run.py runs them all. ``Workspace`` is the
shared setup (one temporary directory, the bundles, a moto server, the child configurations), each
part made the first time a measurement asks for it and removed or stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for entry in (str(ROOT), str(BENCH)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from skill_dev.envelopes import DEFAULT_SKILL_ID, Session  # noqa: E402

RESULTS = BENCH / "results.json"
CHILD = BENCH / "child.py"
ENVELOPES = ROOT / "skill_dev" / "envelopes.py"
CHILD_TIMEOUT = 120.0  # seconds, any one child process


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- small statistics -----------------------------------------------------------------------------------------


def percentile(values, fraction: float):
    """Nearest-rank percentile (None for no values)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def summary_ms(seconds) -> dict:
    values = list(seconds)
    if not values:
        return {"n": 0}
    return {"n": len(values), "min": round(min(values) * 1e3, 3), "p50": round(percentile(values, 0.5) * 1e3, 3),
            "p90": round(percentile(values, 0.9) * 1e3, 3), "p99": round(percentile(values, 0.99) * 1e3, 3),
            "max": round(max(values) * 1e3, 3), "mean": round(sum(values) / len(values) * 1e3, 3)}


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def verdict(met: bool, margin: str) -> dict:
    return {"met": met, "margin": margin}


# --- the machine ----------------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    os_name = platform.platform()
    try:
        fields = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
        os_name = fields.get("PRETTY_NAME", os_name).strip('"') + f" (kernel {platform.release()})"
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": ram, "python": platform.python_version(),
            "python_executable": sys.executable, "os": os_name}


# --- child processes ------------------------------------------------------------------------------------------


def base_env(extra: dict | None = None) -> dict:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")}
    return {**keep, "AWS_LAMBDA_FUNCTION_NAME": "back-stretch-coach-bench", **(extra or {})}


def run_child(mode: str, config: dict, env: dict, cwd: Path, python_flags: tuple = ()) -> tuple[dict, float, str]:
    """Runs bench/child.py in ``python -I -S``; returns (its JSON, wall seconds spawn to exit, stderr)."""
    payload = json.dumps(config)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-I", "-S", *python_flags, str(CHILD), mode], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    try:
        stdout, stderr = process.communicate(payload, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise RuntimeError(f"{mode} child timed out after {CHILD_TIMEOUT:.0f}s") from None
    ended = time.perf_counter()
    if process.returncode != 0:
        raise RuntimeError(f"{mode} child failed ({process.returncode}):\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["t_spawn"], result["t_exit"] = started, ended
    return result, ended - started, stderr


def one_launch(user_prefix: str = "") -> list[dict]:
    session = Session(user_id=f"amzn1.ask.account.BENCH{user_prefix}{uuid.uuid4().hex}")
    return [session.launch()]


def check_cold(subject: str, result: dict) -> None:
    """A cold child answered its LaunchRequest as its subject should, and used the store it should."""
    expected = "Hello world" if subject.startswith("baseline") else "Welcome to Back Stretch Coach"
    if expected not in result["speech"][0]:
        raise RuntimeError(f"{subject}: unexpected launch answer {result['speech'][0]!r}")
    if subject == "skill_dynamodb":
        store = result.get("store") or {}
        if store.get("kind") != "DynamoDbAdapter" or store.get("reads") != 1 or not result["boto3_imported"]:
            raise RuntimeError(f"skill_dynamodb: the store was not used as expected: {store}")
    if subject == "baseline_dynamodb" and not result["boto3_imported"]:
        raise RuntimeError("baseline_dynamodb: boto3 was not used")
    if subject.startswith("skill_none") and (result.get("store") is not None or result["boto3_imported"]):
        raise RuntimeError(f"skill_none: unexpected store use: {result.get('store')}")


class Configs:
    """How each cold/warm subject is run: its bundle, extra path and environment."""

    def __init__(self, built: dict, boto3_only: Path, work: Path, moto_url: str | None, table: str | None):
        skill, base = built["skill"]["unpacked"], built["baseline"]["unpacked"]
        source_only = built["skill"]["unpacked_source_only"]
        hello_dynamodb = built["baseline"]["dynamodb_entry_point"]
        self.bundle = {"baseline": base, "skill_none": skill, "skill_dynamodb": skill, "skill_sqlite": skill,
                       "baseline_dynamodb": base, "skill_none_source_only": source_only}
        self.path = {"baseline": [base], "skill_none": [skill, str(boto3_only)],
                     "skill_dynamodb": [skill, str(boto3_only)], "skill_sqlite": [skill, str(boto3_only)],
                     "baseline_dynamodb": [hello_dynamodb, base, str(boto3_only)],
                     "skill_none_source_only": [source_only, str(boto3_only)]}
        #: -B: nothing is written; with no cpython-311 bytecode, every module is compiled on every start.
        self.flags = {"skill_none_source_only": ("-B",)}
        from skill_dev.dynamodb_server import CREDENTIALS, REGION  # moto's helpers; see BENCHMARKS.md

        skill_env = {"SKILL_ID": DEFAULT_SKILL_ID}
        dynamodb_env = {**CREDENTIALS, "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
                        "DYNAMODB_TABLE": table or "", "DYNAMODB_ENDPOINT_URL": moto_url or "",
                        "AWS_EC2_METADATA_DISABLED": "true", "NO_PROXY": "127.0.0.1,localhost",
                        "no_proxy": "127.0.0.1,localhost"}
        self.env = {
            "baseline": base_env(),
            "skill_none": base_env({**skill_env, "PERSISTENCE": "none"}),
            "skill_sqlite": base_env({**skill_env, "PERSISTENCE": "sqlite", "SQLITE_PATH": str(work / "warm.sqlite3")}),
            "skill_dynamodb": base_env({**skill_env, **dynamodb_env, "PERSISTENCE": "dynamodb"}),
            "baseline_dynamodb": base_env(dynamodb_env),
            "skill_none_source_only": base_env({**skill_env, "PERSISTENCE": "none"}),
        }
        self.logs = work / "child-logs"
        self.logs.mkdir(exist_ok=True)

    def config(self, subject: str, **extra) -> dict:
        return {"path": self.path[subject], "bundle": self.bundle[subject],
                "log": str(self.logs / f"{subject}.log"), **extra}

    def run(self, mode: str, subject: str, python_flags: tuple | None = None, **extra) -> tuple[dict, float, str]:
        """One child for ``subject`` (in its bundle folder, with its path, environment and flags)."""
        flags = self.flags.get(subject, ()) if python_flags is None else python_flags
        return run_child(mode, self.config(subject, **extra), self.env[subject], Path(self.bundle[subject]), flags)


class Workspace:
    """One temporary directory and what the measurements share in it, each made on first use."""

    def __init__(self):
        self.work = Path(tempfile.mkdtemp(prefix="bsc-bench-"))
        self.moto = None
        self.table_name: str | None = None
        self._built: dict | None = None
        self._boto3_only: Path | None = None
        self._configs: Configs | None = None
        self._configs_without_moto = False

    def bundles(self) -> dict:
        """The built bundles with their unpacked folders (bench/bundle.py)."""
        if self._built is None:
            import bundle

            self._built = bundle.build(self.work)
        return self._built

    def boto3_only(self) -> Path:
        if self._boto3_only is None:
            import bundle

            self._boto3_only = bundle.boto3_only_folder(self.work / "boto3-only")
        return self._boto3_only

    def moto_url(self) -> str:
        """A moto_server with the bench's table, started once (skill_dev/dynamodb_server.py)."""
        if self.moto is None or not self.moto.running:
            from skill_dev.dynamodb_server import MotoServer, create_table, dynamodb_client

            self.moto = MotoServer(self.work / "moto")
            self.moto.start()
            log(f"moto server at {self.moto.endpoint_url} (pid {self.moto.pid})")
            self.table_name = f"bsc-bench-{uuid.uuid4().hex[:8]}"
            create_table(dynamodb_client(self.moto.endpoint_url), self.table_name)
        return self.moto.endpoint_url

    def table(self) -> str:
        self.moto_url()
        return self.table_name

    def stop_moto(self) -> None:
        if self.moto is not None:
            self.moto.stop()

    def configs(self, dynamodb: bool = True) -> Configs:
        """The child configurations; with ``dynamodb``, the DynamoDB subjects point at the moto server."""
        if self._configs is None or (dynamodb and self._configs_without_moto):
            built, boto3_only = self.bundles(), self.boto3_only()
            url = self.moto_url() if dynamodb else None
            self._configs = Configs(built, boto3_only, self.work, url, self.table_name if dynamodb else None)
            self._configs_without_moto = not dynamodb
        return self._configs

    def close(self) -> None:
        try:
            self.stop_moto()
        finally:
            shutil.rmtree(self.work, ignore_errors=True)


# --- the table ------------------------------------------------------------------------------------------------


class Table:
    """The printed report: sections of aligned rows."""

    def __init__(self):
        self.lines: list[str] = []

    def section(self, title: str) -> None:
        self.lines.append("")
        self.lines.append(title)
        self.lines.append("-" * len(title))

    def row(self, name: str, *values) -> None:
        self.lines.append(f"  {name:<38}" + "".join(f"{str(v):>16}" for v in values))

    def line(self, text: str) -> None:
        self.lines.append(text)


def table(results: dict, modules) -> str:
    t = Table()
    m = results["machine"]
    t.line(f"Back Stretch Coach benchmark — {results['started']} — "
           f"{'quick' if results['options']['quick'] else 'full'} run")
    t.line(f"machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}, Python {m['python']}")
    t.line("NOTE: timings are CPython 3.11 on this machine (both unpacked bundles compiled here with compileall, "
           "unchecked-hash);")
    t.line("      the shipped bundle carries CPython 3.13 bytecode (Pyodide) for Lambda's python3.13 arm64 runtime.")
    for _, report in sorted((entry for module in modules for entry in module.REPORTS), key=lambda e: e[0]):
        report(results, t)
    t.section("Targets")
    for target in results["targets"]:
        t.line(f"  {'MET   ' if target['met'] else 'MISSED'}  {target['target']:<66} {target['value']:>12}   "
               f"margin {target['margin']}")
    return "\n".join(t.lines)


def targets(results: dict, modules) -> list[dict]:
    rows = []
    for _, check in sorted((entry for module in modules for entry in module.TARGETS), key=lambda e: e[0]):
        rows.extend(check(results))
    return rows


# --- the command line -----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None, script: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=f"Benchmark the skill against a hello-world floor ({script}).")
    parser.add_argument("--quick", action="store_true",
                        help="a short run (5 cold runs, 5 Lambda-model runs, 20 warm repeats, 3 s load)")
    parser.add_argument("--cold-runs", type=int, default=None, help="cold starts per subject (default 30)")
    parser.add_argument("--lambda-runs", type=int, default=None,
                        help="Lambda-model runs per subject (default 30; --quick 5)")
    parser.add_argument("--warm-repeats", type=int, default=None,
                        help="warm repeats (a whole quick routine + a stopped session each; default 200)")
    parser.add_argument("--endpoint-seconds", type=float, default=None, help="load duration per endpoint (default 10)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections for the load (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for both endpoints (default 2)")
    parser.add_argument("--load-client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk if installed (auto), or the Python client")
    parser.add_argument("--json-only", action="store_true", help="print only the results JSON")
    args = parser.parse_args(argv)
    args.cold_runs = args.cold_runs or (5 if args.quick else 30)
    args.lambda_runs = args.lambda_runs or (5 if args.quick else 30)
    args.warm_repeats = args.warm_repeats or (20 if args.quick else 200)
    args.endpoint_seconds = args.endpoint_seconds or (3.0 if args.quick else 10.0)
    for name in ("cold_runs", "lambda_runs", "warm_repeats", "connections", "workers"):
        if not 1 <= getattr(args, name) <= 100_000:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 100000")
    if not 0.5 <= args.endpoint_seconds <= 600:
        parser.error("--endpoint-seconds must be between 0.5 and 600")
    return args


def run(args, modules, script: str) -> dict:
    results: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(),
                     "command": " ".join([".venv/bin/python", script, *sys.argv[1:]]),
                     "measurements": [module.__name__ for module in modules],
                     "options": {"quick": args.quick, "cold_runs": args.cold_runs, "lambda_runs": args.lambda_runs,
                                 "warm_repeats": args.warm_repeats, "endpoint_seconds": args.endpoint_seconds,
                                 "connections": args.connections, "workers": args.workers},
                     "timing_note": "timings are CPython 3.11 on this machine (bundles compiled here with compileall, "
                                    "unchecked-hash); the shipped bundle carries CPython 3.13 bytecode"}
    ws = Workspace()
    try:
        for module in modules:
            module.measure(ws, args, results)
    finally:
        ws.close()
    results["targets"] = targets(results, modules)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    return results


def main(modules, argv: list[str] | None = None) -> int:
    """Runs ``modules`` (in their ORDER), prints the table (or the JSON) and writes bench/results.json."""
    modules = sorted(modules, key=lambda module: module.ORDER)
    script = f"bench/{Path(sys.argv[0]).name}" if sys.argv and sys.argv[0] else "bench/run.py"
    args = parse_args(argv, script)

    def terminated(signum, frame):  # so that `finally` blocks stop the servers
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    results = run(args, modules, script)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    if args.json_only:
        print(json.dumps(results, indent=2))
    else:
        print(table(results, modules))
        print(f"\nall figures: {RESULTS.relative_to(ROOT)}")
    return 0
