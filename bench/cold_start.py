#!/usr/bin/env python3
"""Cold start: fresh ``python -I -S`` processes with only an unpacked bundle (+ a boto3-only folder) on sys.path.

    .venv/bin/python bench/cold_start.py --quick     # this measurement alone (builds the bundles, starts moto)

Alternating subjects (the interpreter alone, the hello world, the skill with PERSISTENCE=none, the skill
on DynamoDB (moto), the hello world + the same GetItem/PutItem, the skill with no usable bytecode), wall
time from spawn to exit, and import / first-request time inside (bench/child.py); then ``-X importtime``
a few times each (medians).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import Counter, defaultdict

import runner
from runner import check_cold, log, one_launch, percentile, ratio, summary_ms, verdict

COLD_START_RATIO_MAX = 1.3
ORDER = 20

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


COLD_SUBJECTS = ["baseline", "skill_none", "skill_dynamodb", "baseline_dynamodb", "skill_none_source_only"]


def cold_starts(configs: runner.Configs, runs: int) -> dict:
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
            result, wall, _ = configs.run("cold", subject, events=one_launch())
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


def import_times(configs: runner.Configs, runs: int) -> dict:
    log(f"cold starts under -X importtime, {runs} each, alternating ...")
    subjects = ("baseline", "skill_none", "skill_dynamodb")
    parsed: dict[str, list] = defaultdict(list)
    used: dict[str, list] = {}
    for _ in range(runs):  # bounded
        for subject in subjects:
            result, _, stderr = configs.run("cold", subject, ("-X", "importtime"), events=one_launch(), modules=True)
            check_cold(subject, result)
            parsed[subject].append(parse_importtime(stderr))
            used[subject] = result.get("modules_used") or []
    out = {}
    for subject in subjects:
        out[subject] = {**summarise_importtime(parsed[subject], baseline=None if subject == "baseline"
                                               else parsed["baseline"][0]),
                        "modules_used_by_package": dict(Counter(path.split("/")[0].removesuffix(".py")
                                                                for path in used[subject]))}
    return out


def measure(ws: runner.Workspace, args, results: dict) -> None:
    configs = ws.configs()
    results["cold_start"] = cold_starts(configs, args.cold_runs)
    results["import_time"] = import_times(configs, 3 if args.quick else 7)


def report(results: dict, t: runner.Table) -> None:
    c = results.get("cold_start")
    if not c:
        return
    row = t.row
    t.section(f"Cold start (fresh python -I -S per run, {c['runs']} runs each, alternating; "
              "wall time spawn to exit, ms)")
    row("", "p50", "p90", "ratio p50", "ratio p90")
    row("interpreter alone (-c pass)", c["interpreter_floor"]["p50"], c["interpreter_floor"]["p90"])
    row("baseline (hello world)", c["baseline"]["wall"]["p50"], c["baseline"]["wall"]["p90"], "1.00×", "1.00×")
    for subject, label in (("skill_none", "skill, PERSISTENCE=none"), ("skill_dynamodb", "skill, DynamoDB (moto)"),
                           ("baseline_dynamodb", "hello world + GetItem/PutItem"),
                           ("skill_none_source_only", "skill, none, no usable bytecode")):
        row(label, c[subject]["wall"]["p50"], c[subject]["wall"]["p90"],
            f"{c[subject]['wall_ratio_p50']:.2f}×", f"{c[subject]['wall_ratio_p90']:.2f}×")
    t.line(f"  skill DynamoDB / hello world + the same two calls: "
           f"{c['skill_dynamodb']['wall_ratio_p50_vs_baseline_dynamodb']:.2f}× (p50);  "
           f"no usable bytecode costs {c['skill_none_source_only']['wall_extra_p50_ms_vs_skill_none']:+.0f} ms")
    t.line("  inside the process (p50 ms):")
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
    moto = (results.get("store_operations") or {}).get("moto_round_trip_ms")  # from bench/store_operations.py
    t.line(f"  skill DynamoDB per cold process: {store.get('reads')} GetItem, {store.get('writes')} PutItem "
           f"(a new user's launch)" + (f"; moto's warm round trips p50: GetItem {moto['GetItem']['p50']:.1f} ms, "
                                       f"PutItem {moto['PutItem']['p50']:.1f} ms" if moto else ""))


def report_import_time(results: dict, t: runner.Table) -> None:
    it = results.get("import_time")
    if not it:
        return
    for subject, label in (("skill_none", "skill, PERSISTENCE=none"), ("baseline", "baseline")):
        data = it[subject]
        t.section(f"-X importtime, {label}: top modules by cumulative time (median of {data['runs']} runs; "
                  f"{data['modules_imported']} modules, {data['total_self_ms']:.0f} ms self in all)")
        for entry in data["top_cumulative"]:
            t.line(f"  {entry['cumulative_ms']:9.1f} ms cumulative {entry['self_ms']:8.1f} ms self   "
                   + "  " * entry["depth"] + entry["module"])
    extra = it["skill_none"].get("not_in_baseline")
    if extra:
        t.section(f"-X importtime: modules the skill (none) imports and the baseline does not: {extra['modules']}, "
                  f"{extra['self_ms']:.1f} ms self")
        t.line("  " + ", ".join(f"{r['module']} {r['self_ms']:.1f}" for r in extra["top_self"]))
    t.section(f"-X importtime: self time by top-level package (ms; medians of {it['baseline']['runs']} runs)")
    for subject in ("baseline", "skill_none", "skill_dynamodb"):
        t.line(f"  {subject:<15} " + ", ".join(f"{k} {v:.1f}" for k, v in it[subject]["self_ms_by_package"].items()))


def targets(results: dict) -> list[dict]:
    cold = results.get("cold_start")
    if not cold:
        return []
    rows = []
    limit = COLD_START_RATIO_MAX
    for subject, label in (("skill_none", "PERSISTENCE=none"), ("skill_dynamodb", "DynamoDB (Lambda config)")):
        value = cold[subject]["wall_ratio_p50"]
        extra_ms = cold[subject]["wall"]["p50"] - limit * cold["baseline"]["wall"]["p50"]
        rows.append({"target": f"cold start p50 ≤ {limit}× baseline, {label}", "value": f"{value:.2f}×",
                     **verdict(value <= limit, f"{limit - value:+.2f}× ({-extra_ms:+.0f} ms)")})
    value = cold["skill_dynamodb"]["wall_ratio_p50_vs_baseline_dynamodb"]
    extra_ms = cold["skill_dynamodb"]["wall"]["p50"] - limit * cold["baseline_dynamodb"]["wall"]["p50"]
    rows.append({"target": f"(informative) cold start, DynamoDB ≤ {limit}× hello world + same 2 calls",
                 "value": f"{value:.2f}×", **verdict(value <= limit, f"{limit - value:+.2f}× ({-extra_ms:+.0f} ms)")})
    return rows


REPORTS = [(20, report), (25, report_import_time)]
TARGETS = [(10, targets)]

if __name__ == "__main__":
    sys.exit(runner.main([sys.modules[__name__]]))
