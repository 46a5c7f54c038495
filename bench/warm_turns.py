#!/usr/bin/env python3
"""Warm turns: whole quick-routine conversations through the Lambda handler, against the hello world.

    .venv/bin/python bench/warm_turns.py --quick     # this measurement alone (builds the bundles)

A few long-lived processes per subject (bench/child.py ``warm``), alternating subjects, a fresh user
every repeat; per-turn latency percentiles and resident memory after warm-up.
"""

from __future__ import annotations

import sys
from collections import defaultdict

import runner
from runner import ENVELOPES, log, percentile, ratio, summary_ms, verdict

from skill.content.routines import ROUTINES

QUICK = next(r for r in ROUTINES if r["id"] == "quick")
WARM_P50_RATIO_MAX = 1.5
ORDER = 30


def conversations() -> list[list[list]]:
    """A whole quick routine, then a second short session that stops; the same plan for skill and baseline."""
    start = ["start", "StartRoutineIntent", {"routine": "quick"}]
    full = [["launch", None, None], start, *[["next", "AMAZON.NextIntent", None] for _ in QUICK["stretches"]]]
    stop = [["launch", None, None], start, ["next", "AMAZON.NextIntent", None], ["stop", "AMAZON.StopIntent", None]]
    return [full, stop]


def warm_turns(configs: runner.Configs, repeats: int, chunks: int) -> dict:
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
            result, wall, _ = configs.run("warm", subject, (), kind="baseline" if subject == "baseline" else "skill",
                                          envelopes=str(ENVELOPES), conversations=plan, repeats=size, warmup=warmup)
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
                        "process_wall_s": [round(r["wall_s"], 2) for r in results]}
    for subject in ("skill_none", "skill_sqlite"):
        out[subject]["p50_ratio"] = ratio(out[subject]["turns"]["p50"], out["baseline"]["turns"]["p50"])
        out[subject]["p99_ratio"] = ratio(out[subject]["turns"]["p99"], out["baseline"]["turns"]["p99"])
        out[subject]["rss_ratio"] = ratio(out[subject]["rss_kb_after_warmup"], out["baseline"]["rss_kb_after_warmup"])
    out["primary"] = "skill_none"
    out["primary_reason"] = ("PERSISTENCE=none: the hello world does no I/O, so this compares code paths; the store's "
                             "cost is shown by the SQLite row and counted in the store-operations section")
    return out


def measure(ws: runner.Workspace, args, results: dict) -> None:
    results["warm_turns"] = warm_turns(ws.configs(dynamodb=False), args.warm_repeats, 2 if args.quick else 4)


def report(results: dict, t: runner.Table) -> None:
    w = results.get("warm_turns")
    if not w:
        return
    row = t.row
    t.section(f"Warm turns ({w['repeats']} repeats × {w['turns_per_repeat']} turns per subject, in "
              f"{w['processes_per_subject']} alternating processes each after {w['warmup_repeats_per_process']} "
              f"warm-up repeats; ms per turn)")
    t.line(f"  plan per repeat (fresh user): {' / '.join(', '.join(c) for c in w['plan'])}")
    row("", "p50", "p99", "ratio p50", "ratio p99", "RSS MB")
    row("baseline (hello world)", w["baseline"]["turns"]["p50"], w["baseline"]["turns"]["p99"], "1.00×", "1.00×",
        f"{w['baseline']['rss_kb_after_warmup'] / 1024:.1f}")
    for subject, label in (("skill_none", "skill, PERSISTENCE=none (primary)"), ("skill_sqlite", "skill, SQLite")):
        row(label, w[subject]["turns"]["p50"], w[subject]["turns"]["p99"], f"{w[subject]['p50_ratio']:.2f}×",
            f"{w[subject]['p99_ratio']:.2f}×", f"{w[subject]['rss_kb_after_warmup'] / 1024:.1f}")
    labels = list(w["skill_none"]["by_label"])
    t.line("  p50 by turn (ms):  " + "; ".join(
        f"{label}: " + "/".join(f"{w[s]['by_label'][label]['p50']:.2f}" for s in ("baseline", "skill_none",
                                                                                  "skill_sqlite"))
        for label in labels) + "   (baseline/none/SQLite)")
    t.line(f"  primary: {w['primary']} — {w['primary_reason']}")


def report_memory(results: dict, t: runner.Table) -> None:
    w = results.get("warm_turns")
    if not w:
        return
    t.section("Memory (VmRSS of the warm-turn process after warm-up)")
    t.row("", "MB", "ratio")
    t.row("baseline", f"{w['baseline']['rss_kb_after_warmup'] / 1024:.1f}", "1.00×")
    t.row("skill, none", f"{w['skill_none']['rss_kb_after_warmup'] / 1024:.1f}", f"{w['skill_none']['rss_ratio']:.2f}×")
    t.row("skill, SQLite", f"{w['skill_sqlite']['rss_kb_after_warmup'] / 1024:.1f}",
          f"{w['skill_sqlite']['rss_ratio']:.2f}×")


def targets(results: dict) -> list[dict]:
    warm = results.get("warm_turns")
    if not warm:
        return []
    rows = []
    limit = WARM_P50_RATIO_MAX
    for subject, label in (("skill_none", "PERSISTENCE=none (primary)"), ("skill_sqlite", "SQLite (informative)")):
        value = warm[subject]["p50_ratio"]
        extra_ms = warm[subject]["turns"]["p50"] - limit * warm["baseline"]["turns"]["p50"]
        rows.append({"target": f"warm turn p50 ≤ {limit}× baseline, {label}", "value": f"{value:.2f}×",
                     **verdict(value <= limit, f"{limit - value:+.2f}× ({-extra_ms:+.2f} ms)")})
    return rows


REPORTS = [(30, report), (60, report_memory)]
TARGETS = [(20, targets)]

if __name__ == "__main__":
    sys.exit(runner.main([sys.modules[__name__]]))
