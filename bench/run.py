#!/usr/bin/env python3
"""Benchmark: Back Stretch Coach against a physical floor measured in the same run.

Every figure is reported next to a floor measured the same way, in the same
run, so the targets are ratios:

* bundle size: the skill's dist/lambda.zip (skill/devtools/build_lambda.py)
  and a hello-world bundle built with the same functions and pip flags
  (bench/hello_world/lambda_function.py);
* cold start: fresh ``python -I -S`` processes with only an unpacked bundle
  (+ a boto3-only folder) on sys.path, alternating skill and baseline, wall
  time from spawn to exit, and import / first-request time inside;
  ``-X importtime`` a few times each (medians);
* warm turns: whole quick-routine conversations through the Lambda handler
  (a few long-lived processes per subject, alternating), against the same
  number of requests through the hello world;
* endpoint: ``gunicorn skill.web:app`` (SQLite) against ``gunicorn
  trivial_app:app`` (bench/trivial_app.py), same workers, same load
  generator (wrk if installed, else a threaded http.client client), and,
  for information, the hello-world SDK skill behind the same kind of app;
* store operations per routine: SQLite (adapter counters) and DynamoDB on a
  local moto server (counted on the botocore client, cross-checked);
* resident memory of the warm-turn processes.

Timings are CPython 3.11 on this machine: both unpacked bundles are compiled
here with ``compileall`` (unchecked-hash) because the shipped bundle carries
CPython 3.13 bytecode (from Pyodide), which this interpreter cannot use.

    .venv/bin/python bench/run.py            # full run (a few minutes)
    .venv/bin/python bench/run.py --quick    # short run
    .venv/bin/python bench/run.py --json-only

Writes bench/results.json (git-ignored). Everything temporary lives in one
temporary directory, removed at the end; every server is stopped by its PID.
Not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for entry in (str(ROOT), str(BENCH)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from load_test import SERVER_ERROR_MARKS  # noqa: E402  (bench/load_test.py)
from skill.devtools.gunicorn import GunicornServer  # noqa: E402
from skill.content.routines import ROUTINES  # noqa: E402
from skill.devtools import build_lambda  # noqa: E402
from skill.devtools.envelopes import DEFAULT_SKILL_ID, Session  # noqa: E402

RESULTS = BENCH / "results.json"
CHILD = BENCH / "child.py"
HELLO_WORLD = BENCH / "hello_world" / "lambda_function.py"
HELLO_WORLD_DYNAMODB = BENCH / "hello_world_dynamodb" / "lambda_function.py"
ENVELOPES = ROOT / "skill" / "devtools" / "envelopes.py"
CHILD_TIMEOUT = 120.0  # seconds, any one child process
QUICK = next(r for r in ROUTINES if r["id"] == "quick")

TARGETS = {
    "cold_start_ratio_max": 1.3,
    "warm_p50_ratio_max": 1.5,
    "endpoint_throughput_ratio_min": 0.7,
    "store_reads_per_session_max": 1,
    "bundle_zipped_bytes_max": 2_000_000,  # 2 MB (decimal)
}


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


# --- bundles --------------------------------------------------------------------------------------------------


def build_baseline(archive: Path, workdir: Path, python_version: str = build_lambda.LAMBDA_PYTHON,
                   bytecode: bool = True) -> dict:
    """The hello world bundled like the skill: build_lambda.build itself, with another entry point."""
    return build_lambda.build(archive, workdir, bytecode=bytecode, python_version=python_version,
                              entry_point=HELLO_WORLD, with_skill=False)


def zip_composition(archive: Path) -> dict:
    """Compressed bytes by top-level entry, and how much of the zip is bytecode."""
    by_top: Counter = Counter()
    pyc = 0
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            top = info.filename.split("/")[0]
            top = re.sub(r"-[\d.]+(\.post\d+)?\.dist-info$", ".dist-info", top)
            by_top[top] += info.compress_size
            if info.filename.endswith(".pyc"):
                pyc += info.compress_size
    return {"compressed_by_top_level": dict(by_top.most_common()), "compressed_pyc_bytes": pyc}


def compile_here(target: Path) -> None:
    """CPython bytecode for this interpreter, in __pycache__ (for the small hello-world DynamoDB entry point)."""
    result = subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode",
                             "unchecked-hash", str(target)], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"compileall failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def unpack(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(target)
    return target


def shipped_modules(folder: Path) -> dict:
    """Modules per top-level package: sources, and bytecode-only modules (a .pyc outside __pycache__)."""
    counts: Counter = Counter()
    for path in [*folder.rglob("*.py"), *(p for p in folder.rglob("*.pyc") if p.parent.name != "__pycache__")]:
        counts[path.relative_to(folder).parts[0].removesuffix(".py").removesuffix(".pyc")] += 1
    return dict(counts)


def boto3_only_folder(folder: Path) -> Path:
    """boto3 and what it brings (as the Lambda runtime provides), nothing else."""
    import importlib.util

    folder.mkdir(parents=True)
    for name in ("boto3", "botocore", "s3transfer", "jmespath"):
        spec = importlib.util.find_spec(name)
        (folder / name).symlink_to(Path(spec.origin).parent)
    return folder


def bundles(work: Path) -> dict:
    """Sizes from the shipped builds (CPython 3.13 bytecode); timings from the same layout built for this
    interpreter (build_lambda's python_version="local"), since 3.11 cannot load 3.13 bytecode."""
    log("building the skill bundle (build_lambda.build) ...")
    skill_report = build_lambda.build(work / "skill.zip", work / "skill-build")
    log("building the hello-world bundle (same function, another entry point) ...")
    base_report = build_baseline(work / "baseline.zip", work / "baseline-build")
    log("building both again with bytecode for this interpreter, for the timings ...")
    local = {"skill": build_lambda.build(work / "skill-local.zip", work / "skill-local-build", python_version="local"),
             "baseline": build_baseline(work / "baseline-local.zip", work / "baseline-local-build", "local")}
    out = {}
    for name, report in (("skill", skill_report), ("baseline", base_report)):
        archive = Path(report["zip"])
        unpacked = unpack(Path(local[name]["zip"]), work / f"{name}-unpacked")
        out[name] = {"zipped_bytes": report["zipped_bytes"], "unzipped_bytes": report["unzipped_bytes"],
                     "files": report["files"], "shipped_bytecode": report["bytecode"].get("cache_tag"),
                     "sourceless_modules": report["sourceless_modules"],
                     "source_only_modules": report["source_only_modules"],
                     **zip_composition(archive), "shipped_modules": shipped_modules(unpacked),
                     "unpacked": str(unpacked), "archive": str(archive)}
        for build_dir in (f"{name}-build", f"{name}-local-build"):
            shutil.rmtree(work / build_dir, ignore_errors=True)
    # Informative subjects: the skill with no usable bytecode (what shipping none would cost), and the
    # hello world's DynamoDB variant (an entry point put in front of the baseline bundle on sys.path).
    no_bytecode = build_lambda.build(work / "skill-source.zip", work / "skill-source-build", bytecode=False)
    out["skill"]["unpacked_source_only"] = str(unpack(Path(no_bytecode["zip"]), work / "skill-source-only"))
    shutil.rmtree(work / "skill-source-build", ignore_errors=True)
    hello_dynamodb = work / "hello-dynamodb"
    hello_dynamodb.mkdir()
    shutil.copy2(HELLO_WORLD_DYNAMODB, hello_dynamodb / "lambda_function.py")
    compile_here(hello_dynamodb)
    out["baseline"]["dynamodb_entry_point"] = str(hello_dynamodb)
    out["timing_bytecode"] = sys.implementation.cache_tag
    return out


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
        raise RuntimeError(f"{mode} child timed out after {CHILD_TIMEOUT:.0f}s")
    ended = time.perf_counter()
    if process.returncode != 0:
        raise RuntimeError(f"{mode} child failed ({process.returncode}):\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["t_spawn"], result["t_exit"] = started, ended
    return result, ended - started, stderr


def one_launch(user_prefix: str = "") -> list[dict]:
    session = Session(user_id=f"amzn1.ask.account.BENCH{user_prefix}{uuid.uuid4().hex}")
    return [session.launch()]


# --- cold start -----------------------------------------------------------------------------------------------


IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S.*)$")


def parse_importtime(stderr: str) -> dict[str, dict]:
    """module -> {self_ms, cumulative_ms, depth} from ``-X importtime`` output."""
    rows = {}
    for line in stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            rows[match.group(4).strip()] = {"self_ms": int(match.group(1)) / 1000,
                                            "cumulative_ms": int(match.group(2)) / 1000,
                                            "depth": (len(match.group(3)) - 1) // 2}
    return rows


def summarise_importtime(runs: list[dict[str, dict]], top: int = 12, baseline: dict[str, dict] | None = None) -> dict:
    """Per-module medians over several runs; the top modules; self time by package; modules the baseline lacks."""
    modules = {}
    for name in runs[0]:
        present = [run[name] for run in runs if name in run]
        modules[name] = {"module": name, "depth": present[0]["depth"],
                         "self_ms": round(percentile([r["self_ms"] for r in present], 0.5), 3),
                         "cumulative_ms": round(percentile([r["cumulative_ms"] for r in present], 0.5), 3)}
    rows = list(modules.values())
    by_package: Counter = Counter()
    for row in rows:
        by_package[row["module"].split(".")[0]] += row["self_ms"]
    out = {"runs": len(runs), "modules_imported": len(rows),
           "total_self_ms": round(sum(r["self_ms"] for r in rows), 1),
           "top_cumulative": sorted(rows, key=lambda r: -r["cumulative_ms"])[:top],
           "top_self": sorted(rows, key=lambda r: -r["self_ms"])[:top],
           "self_ms_by_package": {k: round(v, 1) for k, v in by_package.most_common(top)}}
    if baseline is not None:
        extra = [r for r in rows if r["module"] not in baseline]
        out["not_in_baseline"] = {"modules": len(extra), "self_ms": round(sum(r["self_ms"] for r in extra), 1),
                                  "top_self": sorted(extra, key=lambda r: -r["self_ms"])[:top]}
    return out


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
        from tests.dynamodb_server import CREDENTIALS, REGION

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


def check_cold(subject: str, result: dict) -> None:
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


COLD_SUBJECTS = ["baseline", "skill_none", "skill_dynamodb", "baseline_dynamodb", "skill_none_source_only"]


def cold_starts(configs: Configs, runs: int) -> dict:
    subjects = COLD_SUBJECTS
    samples: dict[str, list[dict]] = defaultdict(list)
    floor: list[float] = []
    order = ["floor", *subjects]
    empty = configs.env["baseline"]
    log(f"cold starts: {runs} measured rounds (+1 discarded) of {', '.join(order)}, rotating the order ...")
    for round_number in range(runs + 1):  # bounded; round 0 warms the page cache and is discarded
        shift = round_number % len(order)
        for subject in order[shift:] + order[:shift]:
            if subject == "floor":  # the interpreter alone: python -I -S -c pass
                started = time.perf_counter()
                subprocess.run([sys.executable, "-I", "-S", "-c", "pass"], env=empty, check=True, timeout=30)
                if round_number:
                    floor.append(time.perf_counter() - started)
                continue
            config = configs.config(subject, events=one_launch())
            result, wall, _ = run_child("cold", config, configs.env[subject], Path(configs.bundle[subject]),
                                        configs.flags.get(subject, ()))
            check_cold(subject, result)
            if round_number:
                result["wall_s"] = wall
                samples[subject].append(result)
    out: dict = {"runs": runs, "interpreter_floor": summary_ms(floor)}
    for subject in subjects:
        rows = samples[subject]
        out[subject] = {
            "wall": summary_ms(r["wall_s"] for r in rows),
            "spawn_to_answer": summary_ms(r["t_handled"] - r["t_spawn"] for r in rows),
            "spawn_to_script": summary_ms(r["t_start"] - r["t_spawn"] for r in rows),
            "import": summary_ms(r["import_s"] for r in rows),
            "first_request": summary_ms(r["first_request_s"] for r in rows),
            "request_end_to_exit": summary_ms(r["t_exit"] - r["t_handled"] for r in rows),
            "rss_kb_p50": percentile([r.get("VmRSS", 0) for r in rows], 0.5),
            "store_per_process": rows[-1].get("store"),
        }
    for subject in ("skill_none", "skill_dynamodb", "baseline_dynamodb", "skill_none_source_only"):
        out[subject]["wall_ratio_p50"] = ratio(out[subject]["wall"]["p50"], out["baseline"]["wall"]["p50"])
        out[subject]["wall_ratio_p90"] = ratio(out[subject]["wall"]["p90"], out["baseline"]["wall"]["p90"])
        out[subject]["spawn_to_answer_ratio_p50"] = ratio(out[subject]["spawn_to_answer"]["p50"],
                                                          out["baseline"]["spawn_to_answer"]["p50"])
    # Informative: the skill's DynamoDB cold start against a hello world making the same two calls.
    out["skill_dynamodb"]["wall_ratio_p50_vs_baseline_dynamodb"] = ratio(out["skill_dynamodb"]["wall"]["p50"],
                                                                         out["baseline_dynamodb"]["wall"]["p50"])
    out["skill_none_source_only"]["wall_extra_p50_ms_vs_skill_none"] = round(
        out["skill_none_source_only"]["wall"]["p50"] - out["skill_none"]["wall"]["p50"], 1)
    return out


def import_times(configs: Configs, runs: int) -> dict:
    log(f"cold starts under -X importtime, {runs} each, alternating ...")
    subjects = ("baseline", "skill_none", "skill_dynamodb")
    parsed: dict[str, list] = defaultdict(list)
    used: dict[str, list] = {}
    for _ in range(runs):  # bounded
        for subject in subjects:
            config = configs.config(subject, events=one_launch(), modules=True)
            result, _, stderr = run_child("cold", config, configs.env[subject], Path(configs.bundle[subject]),
                                          ("-X", "importtime"))
            check_cold(subject, result)
            parsed[subject].append(parse_importtime(stderr))
            used[subject] = result.get("modules_used") or []
    out = {}
    for subject in subjects:
        out[subject] = {**summarise_importtime(parsed[subject], baseline=None if subject == "baseline"
                                               else parsed["baseline"][0]),
                        "modules_used_from_bundle": used[subject],
                        "modules_used_by_package": dict(Counter(path.split("/")[0].removesuffix(".py")
                                                                for path in used[subject]))}
    return out


# --- warm turns -----------------------------------------------------------------------------------------------


def conversations() -> list[list[list]]:
    """A whole quick routine, then a second short session that stops; the same plan for skill and baseline."""
    start = ["start", "StartRoutineIntent", {"routine": "quick"}]
    full = [["launch", None, None], start, *[["next", "AMAZON.NextIntent", None] for _ in QUICK["stretches"]]]
    stop = [["launch", None, None], start, ["next", "AMAZON.NextIntent", None], ["stop", "AMAZON.StopIntent", None]]
    return [full, stop]


def warm_turns(configs: Configs, repeats: int, chunks: int) -> dict:
    """Each subject's repeats run in ``chunks`` processes, alternating subjects, so drift hits all alike."""
    plan = conversations()
    chunks = max(1, min(chunks, repeats))
    sizes = [repeats // chunks + (1 if n < repeats % chunks else 0) for n in range(chunks)]
    warmup = max(3, sizes[0] // 10)
    subjects = ("baseline", "skill_none", "skill_sqlite")
    out: dict = {"repeats": repeats, "processes_per_subject": chunks, "warmup_repeats_per_process": warmup,
                 "turns_per_repeat": sum(len(c) for c in plan),
                 "plan": [[turn[0] for turn in conversation] for conversation in plan]}
    collected: dict[str, list] = defaultdict(list)
    log(f"warm turns: {repeats} repeats of {out['turns_per_repeat']} turns per subject, in {chunks} processes each "
        f"({warmup} warm-up repeats each), alternating {', '.join(subjects)} ...")
    for size in sizes:  # bounded
        for subject in subjects:
            config = configs.config(subject, kind="baseline" if subject == "baseline" else "skill",
                                    envelopes=str(ENVELOPES), conversations=plan, repeats=size, warmup=warmup)
            result, wall, _ = run_child("warm", config, configs.env[subject], Path(configs.bundle[subject]))
            if result["problems"]:
                raise RuntimeError(f"{subject}: the conversation went wrong: {result['problems'][:5]}")
            result["wall_s"] = wall
            collected[subject].append(result)
    for subject in subjects:
        results = collected[subject]
        turns = [ns / 1e9 for r in results for ns in r["turns"]]
        labels: dict[str, list] = defaultdict(list)
        for r in results:
            for label, values in r["by_label"].items():
                labels[label].extend(values)
        stores = [r["store"] for r in results if r["store"]]
        out[subject] = {"turns": summary_ms(turns),
                        "by_label": {label: summary_ms(ns / 1e9 for ns in values) for label, values in labels.items()},
                        "p50_per_process": [round(percentile(r["turns"], 0.5) / 1e6, 3) for r in results],
                        "rss_kb_after_warmup": percentile([r["rss_after_warmup"].get("VmRSS") for r in results], 0.5),
                        "rss_kb_end": max(r["rss_end"].get("VmRSS") for r in results),
                        "hwm_kb_end": max(r["rss_end"].get("VmHWM") for r in results),
                        "store": {"kind": stores[0]["kind"], "reads": sum(x["reads"] for x in stores),
                                  "writes": sum(x["writes"] for x in stores)} if stores else None,
                        "process_wall_s": [round(r["wall_s"], 2) for r in results],
                        "modules_used_from_bundle": sorted({p for r in results for p in r.get("modules_used") or []})}
    for subject in ("skill_none", "skill_sqlite"):
        out[subject]["p50_ratio"] = ratio(out[subject]["turns"]["p50"], out["baseline"]["turns"]["p50"])
        out[subject]["p99_ratio"] = ratio(out[subject]["turns"]["p99"], out["baseline"]["turns"]["p99"])
        out[subject]["rss_ratio"] = ratio(out[subject]["rss_kb_after_warmup"], out["baseline"]["rss_kb_after_warmup"])
    out["primary"] = "skill_none"
    out["primary_reason"] = ("PERSISTENCE=none: the hello world does no I/O, so this compares code paths; the store's "
                             "cost is shown by the SQLite row and counted in the store-operations section")
    return out


# --- endpoint -------------------------------------------------------------------------------------------------


WRK_SCRIPT = r"""
local template = [==[__TEMPLATE__]==]
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
local counter = 0
function request()
  counter = counter + 1
  local uid = tid .. "-" .. counter
  local body = template:gsub("__UID__", uid)
  return wrk.format("POST", "/", {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
    '"timeouts": %d}\n', summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def launch_template(run_token: str) -> str:
    """A LaunchRequest body whose user and request ids contain __UID__, for the load generator to vary."""
    session = Session(user_id=f"amzn1.ask.account.BENCH-{run_token}-__UID__")
    envelope = session.launch()
    envelope["request"]["requestId"] = f"amzn1.echo-api.request.{run_token}-__UID__"
    return json.dumps(envelope)


def wrk_load(url: str, template: str, seconds: float, connections: int, work: Path) -> dict:
    script = work / "launch.lua"
    script.write_text(WRK_SCRIPT.replace("__TEMPLATE__", template))
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s",
               "-s", str(script), url + "/"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((out for out in result.stdout.splitlines() if out.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    raw = json.loads(line[len("BENCH_JSON "):])
    duration = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    return {"requests": raw["requests"], "seconds": round(duration, 3), "rps": round(raw["requests"] / duration, 1),
            "p50_ms": raw["p50_us"] / 1e3, "p90_ms": raw["p90_us"] / 1e3, "p99_ms": raw["p99_us"] / 1e3,
            "max_ms": raw["max_us"] / 1e3, "errors": errors, "error_detail": {k: raw[k] for k in (
                "connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")}}


def python_load(url: str, template: str, seconds: float, connections: int) -> dict:
    """Threaded http.client: one connection per request (gunicorn's sync workers close them anyway)."""
    match = re.fullmatch(r"http://([^:/]+):(\d+)", url)
    host, port = match.group(1), int(match.group(2))
    latencies: list[list[float]] = [[] for _ in range(connections)]
    statuses: list[Counter] = [Counter() for _ in range(connections)]
    max_requests = 10_000_000  # per thread; the deadline ends the run long before
    started = time.perf_counter()
    deadline = time.monotonic() + seconds

    def worker(number: int) -> None:
        for count in range(max_requests):
            if time.monotonic() >= deadline:
                return
            body = template.replace("__UID__", f"{number}-{count}").encode("utf-8")
            begin = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host, port, timeout=10)
                connection.request("POST", "/", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                status = response.status
                connection.close()
            except (OSError, http.client.HTTPException) as exc:
                status = f"error:{type(exc).__name__}"
            latencies[number].append(time.perf_counter() - begin)
            statuses[number][str(status)] += 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - started
    everything = [x for chunk in latencies for x in chunk]
    counts = sum(statuses, Counter())
    return {"requests": len(everything), "seconds": round(elapsed, 3), "rps": round(len(everything) / elapsed, 1),
            "p50_ms": round(percentile(everything, 0.5) * 1e3, 3), "p90_ms": round(percentile(everything, 0.9) * 1e3, 3),
            "p99_ms": round(percentile(everything, 0.99) * 1e3, 3), "max_ms": round(max(everything) * 1e3, 3),
            "errors": sum(n for status, n in counts.items() if status != "200"), "error_detail": dict(counts)}


def check_endpoint(url: str, template: str, expect: str) -> None:
    match = re.fullmatch(r"http://([^:/]+):(\d+)", url)
    connection = http.client.HTTPConnection(match.group(1), int(match.group(2)), timeout=10)
    try:
        connection.request("POST", "/", template.replace("__UID__", "check").encode(),
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    payload = json.loads(data) if response.status == 200 else {}
    ssml = ((payload.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")
    if expect not in ssml:
        raise RuntimeError(f"{url}: unexpected answer {response.status} {data[:200]!r}")


def combine_rounds(rounds: list[dict]) -> dict:
    """Several load rounds of one endpoint: throughput over all of them, latency percentiles averaged."""
    requests, seconds = sum(r["requests"] for r in rounds), sum(r["seconds"] for r in rounds)
    return {"requests": requests, "seconds": round(seconds, 3), "rps": round(requests / seconds, 1),
            **{key: round(sum(r[key] for r in rounds) / len(rounds), 3) for key in ("p50_ms", "p90_ms", "p99_ms")},
            "max_ms": max(r["max_ms"] for r in rounds), "errors": sum(r["errors"] for r in rounds),
            "rounds": rounds}


def endpoint(work: Path, seconds: float, rounds: int, connections: int, workers: int, client: str) -> dict:
    """All three servers up at once (idle ones cost nothing); load rounds alternate between them."""
    use_wrk = client == "wrk" or (client == "auto" and shutil.which("wrk") is not None)
    if client == "wrk" and shutil.which("wrk") is None:
        raise RuntimeError("--load-client wrk: wrk is not installed")
    template = launch_template(uuid.uuid4().hex[:8])
    out: dict = {"load_client": "wrk (Lua script, a new user id per request)" if use_wrk else
                 "python (threaded http.client, a new connection and user id per request)",
                 "seconds": seconds, "rounds": rounds, "connections": connections, "gunicorn_workers": workers,
                 "request": "LaunchRequest of a new user (verification off)"}
    # All three launched the same way (skill.devtools.gunicorn, same flags and workers, no access log):
    # trivial_app:app returns a fixed Alexa response; trivial_app:sdk_app is the hello-world ASK SDK skill
    # behind a minimal Flask endpoint; skill.web:app is the real app with its SQLite store.
    bench_path = {"PYTHONPATH": str(BENCH)}
    subjects = (("trivial", "trivial_app:app", bench_path, "Hello world"),
                ("sdk_hello", "trivial_app:sdk_app", bench_path, "Hello world"),
                ("real", "skill.web:app", {"PERSISTENCE": "sqlite", "SQLITE_PATH": str(work / "endpoint.sqlite3")},
                 "Welcome to Back Stretch Coach"))
    servers, urls, logs = {}, {}, {}
    measured: dict[str, list] = defaultdict(list)
    try:
        for name, app, env, expect in subjects:
            folder = work / f"gunicorn-{name}"
            folder.mkdir()
            servers[name] = GunicornServer(folder, env, workers, app=app, access_log=False)
            urls[name] = servers[name].start()
            log(f"endpoint: {name} at {urls[name]} (pid {servers[name].process.pid})")
            check_endpoint(urls[name], template, expect)

        def load(name: str, duration: float) -> dict:
            if use_wrk:
                return wrk_load(urls[name], template, duration, connections, work / f"gunicorn-{name}")
            return python_load(urls[name], template, duration, connections)

        for name, *_ in subjects:
            load(name, 1)  # warm-up: every worker has imported and built its app
        for round_number in range(rounds):  # bounded
            for name, *_ in subjects:
                log(f"endpoint: round {round_number + 1}/{rounds}, {name}, {seconds:g} s ...")
                measured[name].append(load(name, seconds))
        for name in servers:
            logs[name] = servers[name].log()
    finally:
        for server in servers.values():
            server.stop()
    for name, *_ in subjects:
        out[name] = combine_rounds(measured[name])
        out[name]["server_error_log_lines"] = sum(1 for line in logs[name].splitlines()
                                                  if any(mark in line for mark in SERVER_ERROR_MARKS))
        if out[name]["errors"] or out[name]["server_error_log_lines"]:
            log(f"endpoint: {name}: {out[name]['errors']} client errors, "
                f"{out[name]['server_error_log_lines']} server error lines")
    out["throughput_ratio"] = ratio(out["real"]["rps"], out["trivial"]["rps"])
    out["p50_ratio"] = ratio(out["real"]["p50_ms"], out["trivial"]["p50_ms"])
    # Informative: how much of the gap any ASK SDK skill has, and the skill's own share.
    out["sdk_hello_throughput_ratio"] = ratio(out["sdk_hello"]["rps"], out["trivial"]["rps"])
    out["real_vs_sdk_hello_throughput_ratio"] = ratio(out["real"]["rps"], out["sdk_hello"]["rps"])
    return out


# --- store operations -----------------------------------------------------------------------------------------


def store_conversations() -> list[list[tuple]]:
    """A new user's whole quick routine, then a second session with turns that change nothing (repeat, stop)."""
    start = ("start", "StartRoutineIntent", {"routine": "quick"})
    routine = [("launch", None, None), start, *[("next", "AMAZON.NextIntent", None) for _ in QUICK["stretches"]]]
    again = [("launch", None, None), start, ("next", "AMAZON.NextIntent", None), ("repeat", "AMAZON.RepeatIntent", None),
             ("stop", "AMAZON.StopIntent", None)]
    return [routine, again]


def count_store(adapter, read_record, calls: Counter | None) -> dict:
    """Runs the store conversations through the skill on ``adapter``; per turn: reads, writes, record changed."""
    from skill.dispatch import lambda_handler_for
    from skill.skill_builder import build_skill

    handler = lambda_handler_for(build_skill(DEFAULT_SKILL_ID, adapter))
    session = Session(skill_id=DEFAULT_SKILL_ID)
    sessions = []
    for conversation in store_conversations():
        turns = []
        for label, intent, slots in conversation:
            before = read_record(session.user_id)
            reads, writes = adapter.reads, adapter.writes
            client_before = Counter(calls) if calls is not None else None
            event = session.launch() if intent is None else session.intent(intent, slots)
            response = handler(event, None)
            after = read_record(session.user_id)
            turn = {"turn": label, "reads": adapter.reads - reads, "writes": adapter.writes - writes,
                    "record_changed": before != after}
            if calls is not None:
                delta = calls - client_before
                turn["client_get_item"], turn["client_put_item"] = delta["GetItem"], delta["PutItem"]
                turn["client_other"] = sum(n for op, n in delta.items() if op not in ("GetItem", "PutItem"))
            turns.append(turn)
            session.absorb(response)
        session.end()
        sessions.append(turns)
    routine = sessions[0]
    summary = {"routine_turns": len(routine), "routine_reads": sum(t["reads"] for t in routine),
               "routine_writes": sum(t["writes"] for t in routine),
               "max_reads_per_session": max(sum(t["reads"] for t in turns) for turns in sessions),
               "unchanged_turns": sum(1 for turns in sessions for t in turns if not t["record_changed"]),
               "writes_on_unchanged_turns": sum(t["writes"] for turns in sessions for t in turns
                                                if not t["record_changed"]),
               "sessions": sessions}
    if calls is not None:
        summary["routine_client_get_item"] = sum(t["client_get_item"] for t in routine)
        summary["routine_client_put_item"] = sum(t["client_put_item"] for t in routine)
        summary["client_other_calls"] = sum(t["client_other"] for turns in sessions for t in turns)
        summary["client_matches_adapter"] = all(t["client_get_item"] == t["reads"] and t["client_put_item"] == t["writes"]
                                                for turns in sessions for t in turns)
    return summary


def store_operations(work: Path, moto_url: str, table: str) -> dict:
    import sqlite3

    from skill.persistence.dynamodb import DynamoDbAdapter
    from skill.persistence.sqlite import SQLiteAdapter
    from tests.dynamodb_server import CREDENTIALS, REGION, dynamodb_client

    log("store operations: SQLite, then DynamoDB on moto ...")
    path = work / "store-ops.sqlite3"
    sqlite_adapter = SQLiteAdapter(path)

    def sqlite_record(user):
        with sqlite3.connect(path) as connection:
            row = connection.execute("SELECT data FROM user_state WHERE id = ?", (user,)).fetchone()
        return row[0] if row else None

    out = {"sqlite": count_store(sqlite_adapter, sqlite_record, None)}

    saved = {name: os.environ.get(name) for name in (*CREDENTIALS, "AWS_EC2_METADATA_DISABLED")}
    os.environ.update({**CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true"})
    try:
        adapter = DynamoDbAdapter(table, endpoint_url=moto_url, region_name=REGION)
        calls: Counter = Counter()

        def count(event_name, **kwargs):  # before-call.dynamodb.GetItem -> GetItem
            calls[event_name.rsplit(".", 1)[-1]] += 1

        adapter.client.meta.events.register("before-call.dynamodb.*", count)
        checker = dynamodb_client(moto_url)  # a separate client: its calls are not counted

        def dynamo_record(user):
            item = checker.get_item(TableName=table, Key={"id": {"S": user}}, ConsistentRead=True).get("Item")
            return json.dumps(item, sort_keys=True) if item else None

        out["dynamodb"] = count_store(adapter, dynamo_record, calls)
        # The local server's own speed, to read the DynamoDB cold start with: warm GetItem / PutItem.
        key = {"id": {"S": "amzn1.ask.account.BENCH-roundtrip"}}
        timings: dict[str, list[float]] = {"GetItem": [], "PutItem": []}
        for _ in range(50):
            started = time.perf_counter()
            checker.put_item(TableName=table, Item={**key, "attributes": {"M": {"n": {"N": "1"}}}})
            timings["PutItem"].append(time.perf_counter() - started)
            started = time.perf_counter()
            checker.get_item(TableName=table, Key=key, ConsistentRead=True)
            timings["GetItem"].append(time.perf_counter() - started)
        out["moto_round_trip_ms"] = {op: summary_ms(values[5:]) for op, values in timings.items()}
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return out


# --- targets and the table ------------------------------------------------------------------------------------


def verdict(met: bool, margin: str) -> dict:
    return {"met": met, "margin": margin}


def targets(results: dict) -> list[dict]:
    rows = []
    cold = results.get("cold_start")
    if cold:
        for subject, label in (("skill_none", "PERSISTENCE=none"), ("skill_dynamodb", "DynamoDB (Lambda config)")):
            value, limit = cold[subject]["wall_ratio_p50"], TARGETS["cold_start_ratio_max"]
            extra_ms = cold[subject]["wall"]["p50"] - limit * cold["baseline"]["wall"]["p50"]
            rows.append({"target": f"cold start p50 ≤ {limit}× baseline, {label}", "value": f"{value:.2f}×",
                         **verdict(value <= limit, f"{limit - value:+.2f}× ({-extra_ms:+.0f} ms)")})
        value = cold["skill_dynamodb"]["wall_ratio_p50_vs_baseline_dynamodb"]
        extra_ms = cold["skill_dynamodb"]["wall"]["p50"] - limit * cold["baseline_dynamodb"]["wall"]["p50"]
        rows.append({"target": f"(informative) cold start, DynamoDB ≤ {limit}× hello world + same 2 calls",
                     "value": f"{value:.2f}×", **verdict(value <= limit, f"{limit - value:+.2f}× ({-extra_ms:+.0f} ms)")})
    warm = results.get("warm_turns")
    if warm:
        limit = TARGETS["warm_p50_ratio_max"]
        for subject, label in (("skill_none", "PERSISTENCE=none (primary)"), ("skill_sqlite", "SQLite (informative)")):
            value = warm[subject]["p50_ratio"]
            extra_ms = warm[subject]["turns"]["p50"] - limit * warm["baseline"]["turns"]["p50"]
            rows.append({"target": f"warm turn p50 ≤ {limit}× baseline, {label}", "value": f"{value:.2f}×",
                         **verdict(value <= limit, f"{limit - value:+.2f}× ({-extra_ms:+.2f} ms)")})
    ep = results.get("endpoint")
    if ep:
        value, limit = ep["throughput_ratio"], TARGETS["endpoint_throughput_ratio_min"]
        needed = limit * ep["trivial"]["rps"]
        rows.append({"target": f"endpoint throughput ≥ {limit}× trivial", "value": f"{value:.2f}×",
                     **verdict(value >= limit, f"{value - limit:+.2f}× ({ep['real']['rps'] - needed:+.0f} req/s)")})
        value = ep["sdk_hello_throughput_ratio"]
        rows.append({"target": f"(informative) hello-world SDK skill endpoint ≥ {limit}× trivial",
                     "value": f"{value:.2f}×", **verdict(value >= limit, f"{value - limit:+.2f}×")})
    store = results.get("store_operations")
    if store:
        for name in ("sqlite", "dynamodb"):
            s = store[name]
            ok = (s["max_reads_per_session"] <= TARGETS["store_reads_per_session_max"]
                  and s["writes_on_unchanged_turns"] == 0 and s.get("client_matches_adapter", True))
            rows.append({"target": f"store ({name}): ≤ 1 read per session, no write on unchanged turns",
                         "value": f"{s['max_reads_per_session']} r, {s['writes_on_unchanged_turns']} w",
                         **verdict(ok, f"{TARGETS['store_reads_per_session_max'] - s['max_reads_per_session']:+d} "
                                       f"read/session, {-s['writes_on_unchanged_turns']:+d} writes on "
                                       f"{s['unchanged_turns']} unchanged turns")})
    bundle = results.get("bundles")
    if bundle:
        size, limit = bundle["skill"]["zipped_bytes"], TARGETS["bundle_zipped_bytes_max"]
        rows.append({"target": "bundle ≤ 2 MB zipped", "value": f"{size / 1e6:.2f} MB",
                     **verdict(size <= limit, f"{(limit - size) / 1e6:+.2f} MB")})
    return rows


def table(results: dict) -> str:
    lines: list[str] = []

    def section(title: str) -> None:
        lines.append("")
        lines.append(title)
        lines.append("-" * len(title))

    def row(name: str, *values) -> None:
        lines.append(f"  {name:<38}" + "".join(f"{str(v):>16}" for v in values))

    m = results["machine"]
    lines.append(f"Back Stretch Coach benchmark — {results['started']} — "
                 f"{'quick' if results['options']['quick'] else 'full'} run")
    lines.append(f"machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}, Python {m['python']}")
    lines.append("NOTE: timings are CPython 3.11 on this machine (both unpacked bundles compiled here with compileall, "
                 "unchecked-hash);")
    lines.append("      the shipped bundle carries CPython 3.13 bytecode (Pyodide) for Lambda's python3.13 arm64 runtime.")

    b = results.get("bundles")
    if b:
        section("Bundle (dist/lambda.zip as built by build_lambda; baseline = hello world, same dependencies)")
        row("", "skill", "baseline", "ratio")
        row("zipped (MB)", f"{b['skill']['zipped_bytes'] / 1e6:.3f}", f"{b['baseline']['zipped_bytes'] / 1e6:.3f}",
            f"{ratio(b['skill']['zipped_bytes'], b['baseline']['zipped_bytes']):.3f}×")
        row("unzipped (MB)", f"{b['skill']['unzipped_bytes'] / 1e6:.3f}",
            f"{b['baseline']['unzipped_bytes'] / 1e6:.3f}",
            f"{ratio(b['skill']['unzipped_bytes'], b['baseline']['unzipped_bytes']):.3f}×")
        row("files", b["skill"]["files"], b["baseline"]["files"])
        row("of zipped: .pyc (3.13) (MB)", f"{b['skill']['compressed_pyc_bytes'] / 1e6:.3f}",
            f"{b['baseline']['compressed_pyc_bytes'] / 1e6:.3f}")
        lines.append("  largest parts of the skill zip (compressed MB):  " + ", ".join(
            f"{k} {v / 1e6:.2f}" for k, v in list(b["skill"]["compressed_by_top_level"].items())[:6]))
        it = results.get("import_time") or {}
        if it:
            used = Counter()
            for subject in ("skill_none", "skill_dynamodb"):
                for top, n in it[subject]["modules_used_by_package"].items():
                    used[top] = max(used[top], n)
            lines.append("  modules imported by a cold start / shipped:  " + ", ".join(
                f"{top} {used.get(top, 0)}/{n}" for top, n in sorted(b["skill"]["shipped_modules"].items(),
                                                                     key=lambda kv: -kv[1])))

    c = results.get("cold_start")
    if c:
        section(f"Cold start (fresh python -I -S per run, {c['runs']} runs each, alternating; wall time spawn to exit, ms)")
        row("", "p50", "p90", "ratio p50", "ratio p90")
        row("interpreter alone (-c pass)", c["interpreter_floor"]["p50"], c["interpreter_floor"]["p90"])
        row("baseline (hello world)", c["baseline"]["wall"]["p50"], c["baseline"]["wall"]["p90"], "1.00×", "1.00×")
        for subject, label in (("skill_none", "skill, PERSISTENCE=none"), ("skill_dynamodb", "skill, DynamoDB (moto)"),
                               ("baseline_dynamodb", "hello world + GetItem/PutItem"),
                               ("skill_none_source_only", "skill, none, no usable bytecode")):
            row(label, c[subject]["wall"]["p50"], c[subject]["wall"]["p90"],
                f"{c[subject]['wall_ratio_p50']:.2f}×", f"{c[subject]['wall_ratio_p90']:.2f}×")
        lines.append(f"  skill DynamoDB / hello world + the same two calls: "
                     f"{c['skill_dynamodb']['wall_ratio_p50_vs_baseline_dynamodb']:.2f}× (p50);  "
                     f"no usable bytecode costs {c['skill_none_source_only']['wall_extra_p50_ms_vs_skill_none']:+.0f} ms")
        lines.append("  inside the process (p50 ms):")
        subjects = ("baseline", "skill_none", "baseline_dynamodb", "skill_dynamodb")
        row("", "hello world", "skill none", "hello+DynamoDB", "skill DynamoDB")
        for key, label in (("spawn_to_script", "spawn → script start"), ("import", "import lambda_function"),
                           ("first_request", "first LaunchRequest"), ("spawn_to_answer", "spawn → answer"),
                           ("request_end_to_exit", "answer → exit")):
            row(label, *(c[s][key]["p50"] for s in subjects))
        row("spawn → answer, ratio to hello world", "1.00×", *(f"{c[s]['spawn_to_answer_ratio_p50']:.2f}×"
                                                               for s in subjects[1:]))
        row("resident memory after answer (MB)", *(f"{c[s]['rss_kb_p50'] / 1024:.1f}" for s in subjects))
        store = c["skill_dynamodb"]["store_per_process"] or {}
        moto = (results.get("store_operations") or {}).get("moto_round_trip_ms")
        lines.append(f"  skill DynamoDB per cold process: {store.get('reads')} GetItem, {store.get('writes')} PutItem "
                     f"(a new user's launch)" + (f"; moto's warm round trips p50: GetItem {moto['GetItem']['p50']:.1f} ms, "
                                                 f"PutItem {moto['PutItem']['p50']:.1f} ms" if moto else ""))

    it = results.get("import_time")
    if it:
        for subject, label in (("skill_none", "skill, PERSISTENCE=none"), ("baseline", "baseline")):
            data = it[subject]
            section(f"-X importtime, {label}: top modules by cumulative time (median of {data['runs']} runs; "
                    f"{data['modules_imported']} modules, {data['total_self_ms']:.0f} ms self in all)")
            for entry in data["top_cumulative"]:
                lines.append(f"  {entry['cumulative_ms']:9.1f} ms cumulative {entry['self_ms']:8.1f} ms self   "
                             + "  " * entry["depth"] + entry["module"])
        extra = it["skill_none"].get("not_in_baseline")
        if extra:
            section(f"-X importtime: modules the skill (none) imports and the baseline does not: {extra['modules']}, "
                    f"{extra['self_ms']:.1f} ms self")
            lines.append("  " + ", ".join(f"{r['module']} {r['self_ms']:.1f}" for r in extra["top_self"]))
        section(f"-X importtime: self time by top-level package (ms; medians of {it['baseline']['runs']} runs)")
        for subject in ("baseline", "skill_none", "skill_dynamodb"):
            lines.append(f"  {subject:<15} " + ", ".join(f"{k} {v:.1f}"
                                                         for k, v in it[subject]["self_ms_by_package"].items()))

    w = results.get("warm_turns")
    if w:
        section(f"Warm turns ({w['repeats']} repeats × {w['turns_per_repeat']} turns per subject, in "
                f"{w['processes_per_subject']} alternating processes each after {w['warmup_repeats_per_process']} "
                f"warm-up repeats; ms per turn)")
        lines.append(f"  plan per repeat (fresh user): {' / '.join(', '.join(c) for c in w['plan'])}")
        row("", "p50", "p99", "ratio p50", "ratio p99", "RSS MB")
        row("baseline (hello world)", w["baseline"]["turns"]["p50"], w["baseline"]["turns"]["p99"], "1.00×", "1.00×",
            f"{w['baseline']['rss_kb_after_warmup'] / 1024:.1f}")
        for subject, label in (("skill_none", "skill, PERSISTENCE=none (primary)"), ("skill_sqlite", "skill, SQLite")):
            row(label, w[subject]["turns"]["p50"], w[subject]["turns"]["p99"], f"{w[subject]['p50_ratio']:.2f}×",
                f"{w[subject]['p99_ratio']:.2f}×", f"{w[subject]['rss_kb_after_warmup'] / 1024:.1f}")
        labels = list(w["skill_none"]["by_label"])
        lines.append("  p50 by turn (ms):  " + "; ".join(
            f"{label}: " + "/".join(f"{w[s]['by_label'][label]['p50']:.2f}" for s in ("baseline", "skill_none",
                                                                                      "skill_sqlite"))
            for label in labels) + "   (baseline/none/SQLite)")
        lines.append(f"  primary: {w['primary']} — {w['primary_reason']}")

    e = results.get("endpoint")
    if e:
        section(f"Endpoint (gunicorn, {e['gunicorn_workers']} sync workers, {e['connections']} connections, "
                f"{e['rounds']} × {e['seconds']:g} s each, alternating; {e['load_client']})")
        row("", "req/s", "p50 ms", "p99 ms", "errors")
        row("trivial Flask app (the floor)", e["trivial"]["rps"], e["trivial"]["p50_ms"], e["trivial"]["p99_ms"],
            e["trivial"]["errors"])
        row("hello-world SDK skill in Flask", e["sdk_hello"]["rps"], e["sdk_hello"]["p50_ms"], e["sdk_hello"]["p99_ms"],
            e["sdk_hello"]["errors"])
        row("skill.web:app (SQLite)", e["real"]["rps"], e["real"]["p50_ms"], e["real"]["p99_ms"], e["real"]["errors"])
        row("ratio real/trivial", f"{e['throughput_ratio']:.2f}×", f"{e['p50_ratio']:.2f}×")
        row("ratio hello-world SDK/trivial", f"{e['sdk_hello_throughput_ratio']:.2f}×")
        row("ratio real/hello-world SDK", f"{e['real_vs_sdk_hello_throughput_ratio']:.2f}×")

    s = results.get("store_operations")
    if s:
        section("Store operations (a new user's whole quick routine; then launch, start, next, repeat, stop)")
        row("", "reads", "writes", "turns", "unchanged", "writes on unch.")
        for name in ("sqlite", "dynamodb"):
            row(f"{name}: whole routine", s[name]["routine_reads"], s[name]["routine_writes"], s[name]["routine_turns"])
            row(f"{name}: both sessions, max reads/session", s[name]["max_reads_per_session"], "", "",
                s[name]["unchanged_turns"], s[name]["writes_on_unchanged_turns"])
        d = s["dynamodb"]
        lines.append(f"  DynamoDB client side (botocore before-call events), whole routine: {d['routine_client_get_item']} "
                     f"GetItem, {d['routine_client_put_item']} PutItem, {d['client_other_calls']} other calls; "
                     f"matches the adapter's counters: {d['client_matches_adapter']}")
        lines.append("  per turn (reads/writes): " + " | ".join(
            ", ".join(f"{t['turn']} {t['reads']}/{t['writes']}" for t in turns) for turns in s["sqlite"]["sessions"]))

    w = results.get("warm_turns")
    if w:
        section("Memory (VmRSS of the warm-turn process after warm-up)")
        row("", "MB", "ratio")
        row("baseline", f"{w['baseline']['rss_kb_after_warmup'] / 1024:.1f}", "1.00×")
        row("skill, none", f"{w['skill_none']['rss_kb_after_warmup'] / 1024:.1f}", f"{w['skill_none']['rss_ratio']:.2f}×")
        row("skill, SQLite", f"{w['skill_sqlite']['rss_kb_after_warmup'] / 1024:.1f}",
            f"{w['skill_sqlite']['rss_ratio']:.2f}×")

    section("Targets")
    for t in results["targets"]:
        lines.append(f"  {'MET   ' if t['met'] else 'MISSED'}  {t['target']:<66} {t['value']:>12}   margin {t['margin']}")
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------------------------


def run(args) -> dict:
    from tests.dynamodb_server import MotoServer, create_table, dynamodb_client

    results: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(),
                     "command": " ".join([".venv/bin/python", "bench/run.py", *sys.argv[1:]]),
                     "options": {"quick": args.quick, "cold_runs": args.cold_runs, "warm_repeats": args.warm_repeats,
                                 "endpoint_seconds": args.endpoint_seconds, "connections": args.connections,
                                 "workers": args.workers},
                     "timing_note": "timings are CPython 3.11 on this machine (bundles compiled here with compileall, "
                                    "unchecked-hash); the shipped bundle carries CPython 3.13 bytecode"}
    work = Path(tempfile.mkdtemp(prefix="bsc-bench-"))
    moto = None
    try:
        results["bundles"] = bundles(work)
        boto3_only = boto3_only_folder(work / "boto3-only")
        moto = MotoServer(work / "moto")
        moto.start()
        log(f"moto server at {moto.endpoint_url} (pid {moto.pid})")
        table_name = f"bsc-bench-{uuid.uuid4().hex[:8]}"
        create_table(dynamodb_client(moto.endpoint_url), table_name)
        configs = Configs(results["bundles"], boto3_only, work, moto.endpoint_url, table_name)
        results["cold_start"] = cold_starts(configs, args.cold_runs)
        results["import_time"] = import_times(configs, 3 if args.quick else 7)
        for subject in ("skill_none", "skill_dynamodb", "baseline"):
            results["import_time"][subject].pop("modules_used_from_bundle")
        results["warm_turns"] = warm_turns(configs, args.warm_repeats, 2 if args.quick else 4)
        for subject in ("skill_none", "skill_sqlite"):
            results["warm_turns"][subject].pop("modules_used_from_bundle")
        results["store_operations"] = store_operations(work, moto.endpoint_url, table_name)
        moto.stop()
        results["endpoint"] = endpoint(work, args.endpoint_seconds, 1 if args.quick else 2, args.connections,
                                       args.workers, args.load_client)
    finally:
        if moto is not None:
            moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    for name in ("skill", "baseline"):
        for key in ("unpacked", "archive", "unpacked_source_only", "dynamodb_entry_point"):
            results["bundles"][name].pop(key, None)
    results["targets"] = targets(results)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the skill against a hello-world floor (bench/run.py).")
    parser.add_argument("--quick", action="store_true", help="a short run (5 cold runs, 20 warm repeats, 3 s load)")
    parser.add_argument("--cold-runs", type=int, default=None, help="cold starts per subject (default 30)")
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
    args.warm_repeats = args.warm_repeats or (20 if args.quick else 200)
    args.endpoint_seconds = args.endpoint_seconds or (3.0 if args.quick else 10.0)
    for name in ("cold_runs", "warm_repeats", "connections", "workers"):
        if not 1 <= getattr(args, name) <= 100_000:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 100000")
    if not 0.5 <= args.endpoint_seconds <= 600:
        parser.error("--endpoint-seconds must be between 0.5 and 600")

    def terminated(signum, frame):  # so that `finally` blocks stop the servers
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    results = run(args)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    if args.json_only:
        print(json.dumps(results, indent=2))
    else:
        print(table(results))
        print(f"\nall figures: {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
