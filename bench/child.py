"""Runs inside a fresh ``python -I -S`` process for the bench/runner.py measurements; not meant to be run by hand.

The process has no site-packages: ``sys.path`` gets only the unpacked bundle
(and, for the DynamoDB configuration, a folder holding boto3 and nothing
else, as the Lambda runtime provides). Two modes, chosen by argv[1]:

``cold``  import ``lambda_function`` and handle the events read from stdin;
          report the CPU time (``time.process_time``) of the import and of the
          first event (bench/lambda_model.py), monotonic timestamps (``time.perf_counter`` is
          CLOCK_MONOTONIC on Linux, so the parent can compare them with its
          own spawn and exit times), resident memory, and store counters.
``warm``  run whole conversations through the handler many times and report
          per-turn latency percentiles and resident memory.

Before the skill is imported, a logging handler writing to a file is put on
the root logger, as the Lambda runtime's bootstrap does before user code
runs, so the skill's own log lines cost what they cost on Lambda.

The last line on stdout is one JSON object.
"""

import time

T_START = time.perf_counter()

import json  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402


def rss_kb():
    """VmRSS and VmHWM (peak) from /proc/self/status, in kB."""
    out = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def find_adapter(handler):
    """The skill's persistence adapter, from the handler's closure (the skill), or None."""
    for cell in getattr(handler, "__closure__", None) or ():
        adapter = getattr(cell.cell_contents, "persistence_adapter", None)
        if adapter is not None and hasattr(adapter, "reads"):
            return adapter
    return None


def speech(response):
    return ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml") or ""


def ends(response):
    return (response.get("response") or {}).get("shouldEndSession") is True


def cold(config):
    logging.getLogger().addHandler(logging.FileHandler(config["log"]))
    cpu_import = time.process_time()
    t_import = time.perf_counter()
    import lambda_function

    t_imported = time.perf_counter()
    cpu_imported = time.process_time()
    events = config["events"]
    responses = [lambda_function.lambda_handler(events[0], None)]
    cpu_first = time.process_time()
    responses += [lambda_function.lambda_handler(event, None) for event in events[1:]]
    t_handled = time.perf_counter()
    adapter = find_adapter(lambda_function.lambda_handler)
    out = {"t_start": T_START, "t_import": t_import, "t_imported": t_imported, "t_handled": t_handled,
           "import_s": t_imported - t_import, "first_request_s": t_handled - t_imported,
           "import_cpu_s": cpu_imported - cpu_import, "first_invoke_cpu_s": cpu_first - cpu_imported,
           "speech": [speech(r)[:80] for r in responses], "ends": [ends(r) for r in responses],
           "boto3_imported": "boto3" in sys.modules,
           "store": {"kind": type(adapter).__name__, "reads": adapter.reads, "writes": adapter.writes}
           if adapter is not None else None,
           **rss_kb()}
    if config.get("modules"):
        out["modules_used"] = modules_used(config["bundle"])
    return out


def modules_used(bundle):
    """Bundle-relative paths of the shipped modules this process imported (for the bundle analysis)."""
    root = bundle.rstrip("/") + "/"
    return sorted(path[len(root):] for path in (getattr(m, "__file__", None) or "" for m in list(sys.modules.values()))
                  if path.startswith(root))


def load_module(name, path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def warm(config):
    logging.getLogger().addHandler(logging.FileHandler(config["log"]))
    # skill_dev/envelopes.py is standard library only; loaded by path, not as part of a package.
    envelopes = load_module("bench_envelopes", config["envelopes"])
    import lambda_function

    handler = lambda_function.lambda_handler
    is_skill = config["kind"] == "skill"
    conversations = config["conversations"]  # [[label, intent or None, slots], ...] per conversation
    repeats, warmup = config["repeats"], config["warmup"]
    clock = time.perf_counter_ns
    by_label = {}
    everything = []
    problems = []
    rss_after_warmup = None
    for repeat in range(warmup + repeats):  # bounded
        if repeat == warmup:
            rss_after_warmup = rss_kb()
        session = envelopes.Session()  # a fresh user for every repeat
        for conversation in conversations:
            for number, (label, intent, slots) in enumerate(conversation):
                event = session.launch() if intent is None else session.intent(intent, slots)
                started = clock()
                response = handler(event, None)
                elapsed = clock() - started
                last = number == len(conversation) - 1
                problems.extend(turn_problems(label, response, is_skill, last))
                if repeat >= warmup:
                    everything.append(elapsed)
                    by_label.setdefault(label, []).append(elapsed)
                session.absorb(response)
            session.end()  # the skill's last answer ended it already; the baseline never ends one
            if len(problems) > 20:
                break
        if len(problems) > 20:
            break
    if rss_after_warmup is None:
        rss_after_warmup = rss_kb()
    adapter = find_adapter(handler)
    return {"turns": everything, "by_label": by_label, "problems": problems[:20], "rss_after_warmup": rss_after_warmup,
            "rss_end": rss_kb(), "modules_used": modules_used(config["bundle"]), "store": store_counts(adapter)}


def turn_problems(label, response, is_skill, last):
    """What is wrong with one answer: the skill must end the session on the last turn only, and always speak."""
    problems = []
    if is_skill and ends(response) != last:
        problems.append(f"{label}: shouldEndSession={ends(response)} {speech(response)[:100]!r}")
    if not speech(response):
        problems.append(f"{label}: no speech")
    return problems


def store_counts(adapter):
    """The persistence adapter's kind and read/write counts, or None when the handler has none."""
    if adapter is None:
        return None
    return {"kind": type(adapter).__name__, "reads": adapter.reads, "writes": adapter.writes}


def main():
    mode = sys.argv[1]
    config = json.loads(sys.stdin.read())
    sys.path[:0] = config["path"]
    result = cold(config) if mode == "cold" else warm(config)
    sys.stdout.write("\n" + json.dumps(result) + "\n")


main()
