#!/usr/bin/env python3
"""Bundle size: the skill's dist/lambda.zip against the hello world bundled the same way.

    .venv/bin/python bench/bundle.py          # this measurement alone (builds both bundles; about a minute)

Both bundles come from skill_dev/build_lambda.py's ``build``: the skill as ``make bundle`` builds
it, and bench/hello_world/lambda_function.py as another entry point with the same dependencies and pip
flags. Sizes are those of the shipped builds (CPython 3.13 bytecode); the same layouts are built again
with bytecode for this interpreter (python_version="local") and unpacked, for the timings of the other
measurements (bench/cold_start.py, bench/lambda_model.py, bench/warm_turns.py), which get them through
``runner.Workspace.bundles()``.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import runner
from runner import BENCH, log, ratio, verdict

from skill_dev import build_lambda

HELLO_WORLD = BENCH / "hello_world" / "lambda_function.py"
HELLO_WORLD_DYNAMODB = BENCH / "hello_world_dynamodb" / "lambda_function.py"
BUNDLE_ZIPPED_BYTES_MAX = 2_000_000  # 2 MB (decimal)
ORDER = 10


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
    folder.mkdir(parents=True)
    for name in ("boto3", "botocore", "s3transfer", "jmespath"):
        spec = importlib.util.find_spec(name)
        (folder / name).symlink_to(Path(spec.origin).parent)
    return folder


def build(work: Path) -> dict:
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


def measure(ws: runner.Workspace, args, results: dict) -> None:
    """results["bundles"]: the sizes, without this run's temporary paths."""
    out = copy.deepcopy(ws.bundles())
    for name in ("skill", "baseline"):
        for key in ("unpacked", "archive", "unpacked_source_only", "dynamodb_entry_point"):
            out[name].pop(key, None)
    results["bundles"] = out


def report(results: dict, t: runner.Table) -> None:
    b = results.get("bundles")
    if not b:
        return
    t.section("Bundle (dist/lambda.zip as built by build_lambda; baseline = hello world, same dependencies)")
    t.row("", "skill", "baseline", "ratio")
    t.row("zipped (MB)", f"{b['skill']['zipped_bytes'] / 1e6:.3f}", f"{b['baseline']['zipped_bytes'] / 1e6:.3f}",
          f"{ratio(b['skill']['zipped_bytes'], b['baseline']['zipped_bytes']):.3f}×")
    t.row("unzipped (MB)", f"{b['skill']['unzipped_bytes'] / 1e6:.3f}",
          f"{b['baseline']['unzipped_bytes'] / 1e6:.3f}",
          f"{ratio(b['skill']['unzipped_bytes'], b['baseline']['unzipped_bytes']):.3f}×")
    t.row("files", b["skill"]["files"], b["baseline"]["files"])
    t.row("of zipped: .pyc (3.13) (MB)", f"{b['skill']['compressed_pyc_bytes'] / 1e6:.3f}",
          f"{b['baseline']['compressed_pyc_bytes'] / 1e6:.3f}")
    t.line("  largest parts of the skill zip (compressed MB):  " + ", ".join(
        f"{k} {v / 1e6:.2f}" for k, v in list(b["skill"]["compressed_by_top_level"].items())[:6]))
    it = results.get("import_time") or {}  # from bench/cold_start.py, when it ran too
    if it:
        used = Counter()
        for subject in ("skill_none", "skill_dynamodb"):
            for top, n in it[subject]["modules_used_by_package"].items():
                used[top] = max(used[top], n)
        t.line("  modules imported by a cold start / shipped:  " + ", ".join(
            f"{top} {used.get(top, 0)}/{n}" for top, n in sorted(b["skill"]["shipped_modules"].items(),
                                                                 key=lambda kv: -kv[1])))


def targets(results: dict) -> list[dict]:
    bundle = results.get("bundles")
    if not bundle:
        return []
    size, limit = bundle["skill"]["zipped_bytes"], BUNDLE_ZIPPED_BYTES_MAX
    return [{"target": "bundle ≤ 2 MB zipped", "value": f"{size / 1e6:.2f} MB",
             **verdict(size <= limit, f"{(limit - size) / 1e6:+.2f} MB")}]


REPORTS = [(10, report)]
TARGETS = [(50, targets)]

if __name__ == "__main__":
    sys.exit(runner.main([sys.modules[__name__]]))
