#!/usr/bin/env python3
"""Lambda model: the first answer of a cold Lambda, modelled from CPU time at the template's memory.

    .venv/bin/python bench/lambda_model.py --quick          # this measurement alone, 5 runs per subject
    .venv/bin/python bench/lambda_model.py --lambda-runs 30 # more runs

On Lambda the init phase (importing the handler module) runs on a full vCPU, while an invoke gets CPU
in proportion to the function's memory (one vCPU at 1,769 MB). So the first answer of a cold function
costs about

    init_cpu + first_invoke_cpu × 1769 / MemorySize

with MemorySize read from template.yaml (SkillFunction). Each run is a fresh ``python -I -S`` (bench/child.py
``cold``, the same child as bench/cold_start.py, from the same unpacked bundles) that measures with
``time.process_time`` the import of ``lambda_function`` (init) and the first LaunchRequest (a new user)
separately. Three subjects, alternating (a, b, c, a, b, c, ...; a first round discarded):

    skill_dynamodb      the skill, PERSISTENCE=dynamodb against the bench's moto_server
    hello_dynamodb      bench/hello_world_dynamodb/ (client made at import; one GetItem, one PutItem)
    hello_world         bench/hello_world/ (no store)

CPU time is this process's only: moto's work answering the two calls is not in it, the client's
(signing, HTTP, parsing) is. Medians are reported, and the ratios skill_dynamodb / hello_dynamodb (the
target, ≤ 1.15) and skill_dynamodb / hello_world.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict

import runner
from runner import ROOT, check_cold, log, one_launch, percentile, ratio, verdict

TEMPLATE = ROOT / "template.yaml"
FULL_VCPU_MB = 1769  # Lambda: one full vCPU at 1,769 MB, CPU in proportion to memory below it
LAMBDA_MODEL_RATIO_MAX = 1.15
ORDER = 25

#: result key -> the Configs subject it runs as (bench/runner.py)
SUBJECTS = {"skill_dynamodb": "skill_dynamodb", "hello_dynamodb": "baseline_dynamodb", "hello_world": "baseline"}
LABELS = {"skill_dynamodb": "skill, DynamoDB (moto)", "hello_dynamodb": "hello world + GetItem/PutItem",
          "hello_world": "hello world (no store)"}


def template_memory_mb(template=TEMPLATE) -> int:
    """SkillFunction's MemorySize in template.yaml (the first MemorySize in the file: the only one)."""
    match = re.search(r"^\s+MemorySize:\s*(\d+)\s*$", template.read_text(encoding="utf-8"), re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no MemorySize in {template}")
    return int(match.group(1))


def modelled_s(init_cpu_s: float, invoke_cpu_s: float, memory_mb: int) -> float:
    return init_cpu_s + invoke_cpu_s * FULL_VCPU_MB / memory_mb


def lambda_model(configs: runner.Configs, runs: int, memory_mb: int) -> dict:
    samples: dict[str, list[dict]] = defaultdict(list)
    log(f"Lambda model: {runs} measured rounds (+1 discarded) of {', '.join(SUBJECTS)}, alternating; "
        f"MemorySize {memory_mb} MB ...")
    for round_number in range(runs + 1):  # bounded; round 0 warms the page cache and is discarded
        for name, subject in SUBJECTS.items():
            result, _, _ = configs.run("cold", subject, events=one_launch())
            check_cold(subject, result)
            if round_number:
                samples[name].append(result)

    def median_ms(values) -> float:
        return round(percentile(list(values), 0.5) * 1e3, 3)

    out: dict = {"runs": runs, "memory_mb": memory_mb, "memory_from": "template.yaml (SkillFunction MemorySize)",
                 "model": f"init_cpu + first_invoke_cpu × {FULL_VCPU_MB} / {memory_mb}",
                 "invoke_cpu_scale": round(FULL_VCPU_MB / memory_mb, 3), "clock": "time.process_time in the child"}
    for name in SUBJECTS:
        rows = samples[name]
        modelled = [modelled_s(r["import_cpu_s"], r["first_invoke_cpu_s"], memory_mb) for r in rows]
        out[name] = {"init_cpu_ms": median_ms(r["import_cpu_s"] for r in rows),
                     "first_invoke_cpu_ms": median_ms(r["first_invoke_cpu_s"] for r in rows),
                     "modelled_ms": median_ms(modelled),
                     "modelled_p90_ms": round(percentile(modelled, 0.9) * 1e3, 3),
                     "init_wall_ms": median_ms(r["import_s"] for r in rows),
                     "first_invoke_wall_ms": median_ms(r["first_request_s"] for r in rows),
                     "store_per_process": rows[-1].get("store")}
    for name, floor in (("skill_dynamodb", "hello_dynamodb"), ("skill_dynamodb", "hello_world"),
                        ("hello_dynamodb", "hello_world")):
        out[f"ratio_{name}_vs_{floor}"] = {key: ratio(out[name][key], out[floor][key])
                                           for key in ("modelled_ms", "init_cpu_ms", "first_invoke_cpu_ms")}
    return out


def measure(ws: runner.Workspace, args, results: dict) -> None:
    results["lambda_model"] = lambda_model(ws.configs(), args.lambda_runs, template_memory_mb())


def report(results: dict, t: runner.Table) -> None:
    lm = results.get("lambda_model")
    if not lm:
        return
    t.section(f"Lambda model (fresh python -I -S, {lm['runs']} runs each, alternating; CPU ms, medians; "
              f"modelled first answer = {lm['model']})")
    t.row("", "init CPU", "1st invoke CPU", f"model @{lm['memory_mb']} MB", "ratio model")
    for name in SUBJECTS:
        s = lm[name]
        t.row(LABELS[name], s["init_cpu_ms"], s["first_invoke_cpu_ms"], s["modelled_ms"],
              "1.00×" if name == "hello_world" else f"{lm[f'ratio_{name}_vs_hello_world']['modelled_ms']:.2f}×")
    r = lm["ratio_skill_dynamodb_vs_hello_dynamodb"]
    t.line(f"  skill DynamoDB / hello world + the same two calls: model {r['modelled_ms']:.2f}× "
           f"(init {r['init_cpu_ms']:.2f}×, first invoke {r['first_invoke_cpu_ms']:.2f}×);  "
           f"skill DynamoDB / hello world: {lm['ratio_skill_dynamodb_vs_hello_world']['modelled_ms']:.2f}×")
    t.line("  wall ms (p50), init / first invoke: " + ", ".join(
        f"{LABELS[name]} {lm[name]['init_wall_ms']:.1f} / {lm[name]['first_invoke_wall_ms']:.1f}" for name in SUBJECTS))


def targets(results: dict) -> list[dict]:
    lm = results.get("lambda_model")
    if not lm:
        return []
    value, limit = lm["ratio_skill_dynamodb_vs_hello_dynamodb"]["modelled_ms"], LAMBDA_MODEL_RATIO_MAX
    extra_ms = lm["skill_dynamodb"]["modelled_ms"] - limit * lm["hello_dynamodb"]["modelled_ms"]
    return [{"target": f"Lambda model @{lm['memory_mb']} MB: skill DynamoDB ≤ {limit}× hello + same 2 calls",
             "value": f"{value:.2f}×", **verdict(value <= limit, f"{limit - value:+.2f}× ({-extra_ms:+.0f} ms)")}]


REPORTS = [(27, report)]
TARGETS = [(15, targets)]

if __name__ == "__main__":
    sys.exit(runner.main([sys.modules[__name__]]))
