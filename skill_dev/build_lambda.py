"""Builds dist/lambda.zip, the artifact template.yaml deploys.

What goes in:

* the runtime dependencies (ask-sdk-core, ask-sdk-model and theirs), installed
  for the Lambda runtime (CPython 3.13 on arm64) from wheels;
* the ``skill`` package, whole (developer tools live apart, in ``skill_dev``; the web endpoint's
  modules ship too, a few kilobytes Lambda never imports), with the privacy policy and terms rendered
  to HTML in ``skill/policy_pages/`` for the policy pages' function;
* ``lambda_function.py`` at the root, as the handler setting expects.

How it is laid out, to be small and quick to start (Lambda's code folder is
read-only, so anything without bytecode is compiled on every cold start):

* **modules the skill imports** in a conversation (found by running the
  unpacked bundle through a launch, every intent of the model and a session
  end) ship as CPython 3.13 bytecode only (``foo.pyc`` in place of
  ``foo.py``, which Python imports without a source);
* our own code ships as source plus ``__pycache__`` bytecode, so tracebacks
  show the lines;
* **modules a conversation never imports** (ask-sdk-model's other request
  types and service clients, requests and its helpers, which the SDK only
  needs for its API client) ship as source only, and compile on the rare
  first use;
* files the skill never uses are left out (``NOT_NEEDED``): charset_normalizer's
  optional compiled accelerators and dateutil's time-zone database copy.

What stays out: boto3 and botocore (the Lambda runtime has them), tests,
console scripts, dev dependencies. python-dateutil is pinned below 3 because
the bundle's copy shadows the runtime's and botocore needs < 3.

No Python 3.13 is needed here: the bytecode comes from Pyodide, CPython 3.13
built for WebAssembly, run with Node (tools/pyc/compile.js). For tests, the
same layout can be built for this machine's Python instead
(``python_version="local"``).
"""

from __future__ import annotations

import argparse
import ast
import json
import py_compile
import shutil
import subprocess
import sys
import tempfile
import textwrap
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_PYTHON = "3.13"
LAMBDA_PLATFORM = "manylinux2014_aarch64"
CACHE_TAG = "cpython-313"
MAGIC_313 = bytes.fromhex("f30d0d0a")
REQUIREMENTS = ("ask-sdk-core==1.19.0", "ask-sdk-model==1.82.0", "python-dateutil>=2.8.2,<3")
OWN_CODE = ("skill", "lambda_function.py")
LEAVE_OUT_OF_SKILL = {"__pycache__"}  # generated here, for CPython 3.13
LEAVE_OUT_ANYWHERE = {"__pycache__", "tests", "bin"}
FORBIDDEN_TOP_LEVEL = {"boto3", "botocore", "s3transfer", "jmespath", "pytest", "moto", "flask", "werkzeug"}
#: Files the skill never uses: charset_normalizer's optional compiled accelerators (its pure-Python
#: fallbacks ship; only requests uses it, for an Alexa API call's text answers), and dateutil's copy of
#: the IANA time-zone database (only dateutil.tz.gettz falls back to it; the SDK parses timestamps that
#: carry their own offset and never calls gettz).
NOT_NEEDED = ("charset_normalizer/*.so", "dateutil/zoneinfo/dateutil-zoneinfo.tar.gz")
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


class BuildError(RuntimeError):
    pass


def install_dependencies(target: Path, python_version: str = LAMBDA_PYTHON) -> None:
    platform = [] if python_version == "local" else [
        "--platform", LAMBDA_PLATFORM, "--implementation", "cp", "--python-version", python_version,
        "--only-binary=:all:"]
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
               "--target", str(target), *platform, *REQUIREMENTS]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"pip could not install the runtime dependencies:\n{result.stderr[-2000:]}")


ENTRY_POINT = ROOT / "lambda" / "lambda_function.py"


def copy_code(target: Path, entry_point: Path = ENTRY_POINT, with_skill: bool = True) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in LEAVE_OUT_ANYWHERE or n.endswith((".pyc", ".pyo"))}
        if Path(folder).resolve() == (ROOT / "skill").resolve():
            skipped |= {n for n in names if n in LEAVE_OUT_OF_SKILL}
        return skipped

    if with_skill:
        shutil.copytree(ROOT / "skill", target / "skill", ignore=ignore)
        # The privacy policy and terms, docs/*.md as they are now, rendered to HTML for the policy pages'
        # function (template.yaml's PolicyPagesFunction), which then needs no Markdown library.
        from skill.policies import write_rendered

        write_rendered(target / "skill" / "policy_pages")
    shutil.copy2(entry_point, target / "lambda_function.py")


def prune(target: Path) -> None:
    for name in LEAVE_OUT_ANYWHERE:
        for path in list(target.rglob(name)):
            if path.is_dir():
                shutil.rmtree(path)
    for pattern in ("*.pyi", "*.dist-info/RECORD", "*.dist-info/INSTALLER", "*.dist-info/REQUESTED",
                    *NOT_NEEDED):
        for path in target.glob(pattern) if "/" in pattern else target.rglob(pattern):
            path.unlink()
    present = {p.name.split("-")[0].lower() for p in target.iterdir()}
    leaked = present & FORBIDDEN_TOP_LEVEL
    if leaked:
        raise BuildError(f"the bundle must not contain {sorted(leaked)}")


_PROBE = textwrap.dedent("""
    import json, os, sys
    bundle = sys.argv[1]
    sys.path.insert(0, bundle)
    os.environ["PERSISTENCE"] = "none"
    import lambda_function
    failures = 0
    for event in json.loads(sys.stdin.read()):
        try:
            lambda_function.lambda_handler(event, None)
        except Exception:  # a handler may refuse an event (the benchmark's hello world does): imports still count
            failures += 1
    if failures > 2:
        raise SystemExit(f"{failures} events failed")
    # What an Alexa API call imports (the time zone, reminders): no call is made here, but the first
    # call on Lambda should find them compiled too.
    from skill import services
    services._default_client_with_timeout(1.0)
    import ask_sdk_model.services.reminder_management, ask_sdk_model.services.ups
    root = os.path.realpath(bundle) + os.sep
    used = sorted({os.path.relpath(m.__file__, root) for m in list(sys.modules.values())
                   if getattr(m, "__file__", None) and os.path.realpath(m.__file__).startswith(root)})
    print(json.dumps(used))
""")


def imported_modules(target: Path) -> set[str]:
    """Bundle-relative .py paths the skill imports serving a conversation."""
    from .envelopes import Session  # a conversation through every intent of the model

    session = Session()
    model = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())
    events = [session.launch()] + [session.intent(i["name"], {s["name"]: "quick" for s in i.get("slots", [])})
                                   for i in model["interactionModel"]["languageModel"]["intents"]]
    events.append(session.session_ended())
    result = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", _PROBE, str(target)], input=json.dumps(events),
                            capture_output=True, text=True, timeout=300, cwd=target)
    if result.returncode != 0:
        raise BuildError(f"the unpacked bundle could not serve requests:\n{result.stderr[-3000:]}")
    return {path for path in json.loads(result.stdout.strip().splitlines()[-1]) if path.endswith(".py")}


def _has_assert(source: Path) -> bool:
    with warnings.catch_warnings():  # third-party docstrings with invalid escapes warn; not our concern
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        tree = ast.parse(source.read_bytes())
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def plan_bytecode(target: Path, imported: set[str]) -> dict:
    """Which modules get which bytecode (see the module docstring).

    Imported third-party modules without assert statements are compiled without
    docstrings (optimisation level 2, which would also drop asserts): ask-sdk-model's
    docstrings are most of its size, and nothing reads them at run time.
    """
    own, sourceless, stripped = [], [], []
    for source in sorted(target.rglob("*.py")):
        rel = source.relative_to(target).as_posix()
        if rel.split("/")[0] in OWN_CODE:
            own.append(rel)
        elif rel in imported:
            sourceless.append(rel)
            if not _has_assert(source):
                stripped.append(rel)
    return {"sourceless": sourceless, "stripped": stripped, "cached": own}


def compile_with_pyodide(target: Path, plan: dict) -> dict:
    tool = ROOT / "tools" / "pyc"
    if not (tool / "node_modules" / "pyodide").is_dir():
        raise BuildError("tools/pyc is not installed: run `npm ci --prefix tools/pyc` (make bundle does)")
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is needed to compile CPython 3.13 bytecode with Pyodide")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(plan, handle)
    try:
        result = subprocess.run([node, str(tool / "compile.js"), str(target), handle.name], capture_output=True,
                                text=True, timeout=600)
    finally:
        Path(handle.name).unlink()
    if result.returncode != 0:
        raise BuildError(f"bytecode compilation failed:\n{result.stdout}\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["cache_tag"] != CACHE_TAG or bytes.fromhex(report["magic"]) != MAGIC_313:
        raise BuildError(f"compiled for {report}, not CPython {LAMBDA_PYTHON}")
    return report


def compile_locally(target: Path, plan: dict) -> dict:
    mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
    stripped = set(plan["stripped"])
    with warnings.catch_warnings():  # third-party docstrings with invalid escapes
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        for rel in plan["sourceless"]:
            py_compile.compile(str(target / rel), cfile=str(target / rel) + "c", dfile=rel, doraise=True,
                               invalidation_mode=mode, optimize=2 if rel in stripped else 0)
        for rel in plan["cached"]:
            py_compile.compile(str(target / rel), dfile=rel, doraise=True, invalidation_mode=mode)
    return {"ok": True, "cache_tag": sys.implementation.cache_tag, "python": sys.version.split()[0],
            "compiled": len(plan["sourceless"]) + len(plan["cached"])}


def apply_plan(target: Path, plan: dict) -> None:
    """Sourceless modules: keep the .pyc written beside each source, drop the source."""
    for rel in plan["sourceless"]:
        if not (target / f"{rel}c").exists():
            raise BuildError(f"no bytecode was written for {rel}")
        (target / rel).unlink()


def write_zip(source: Path, archive: Path) -> None:
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, path.read_bytes(), compresslevel=9)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build(archive: Path = ROOT / "dist" / "lambda.zip", workdir: Path = ROOT / "build" / "lambda",
          bytecode: bool = True, python_version: str = LAMBDA_PYTHON, entry_point: Path = ENTRY_POINT,
          with_skill: bool = True) -> dict:
    """Build the bundle.

    ``python_version="local"`` builds the same layout for this interpreter (tests and timings);
    ``entry_point`` and ``with_skill`` let the benchmark bundle its hello-world floor the same way.
    """
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    install_dependencies(workdir, python_version)
    copy_code(workdir, entry_point, with_skill)
    prune(workdir)
    report: dict = {}
    plan = {"sourceless": [], "stripped": [], "cached": []}
    if bytecode:
        plan = plan_bytecode(workdir, imported_modules(workdir))
        report = compile_locally(workdir, plan) if python_version == "local" else compile_with_pyodide(workdir, plan)
        apply_plan(workdir, plan)
    write_zip(workdir, archive)
    return {"zip": str(archive), "zipped_bytes": archive.stat().st_size, "unzipped_bytes": folder_size(workdir),
            "files": sum(1 for p in workdir.rglob("*") if p.is_file()), "bytecode": report,
            "sourceless_modules": len(plan["sourceless"]), "own_modules": len(plan["cached"]),
            "source_only_modules": sum(1 for _ in workdir.rglob("*.py")) - len(plan["cached"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build dist/lambda.zip for AWS Lambda (Python 3.13, arm64).")
    parser.add_argument("--output", default=str(ROOT / "dist" / "lambda.zip"))
    parser.add_argument("--workdir", default=str(ROOT / "build" / "lambda"))
    parser.add_argument("--no-bytecode", action="store_true", help="leave out the .pyc files (for comparisons)")
    args = parser.parse_args(argv)
    try:
        report = build(Path(args.output), Path(args.workdir), bytecode=not args.no_bytecode)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    print(f"{report['zip']}: {report['zipped_bytes'] / 1e6:.2f} MB zipped, "
          f"{report['unzipped_bytes'] / 1e6:.2f} MB unzipped, {report['files']} files; "
          f"{report['sourceless_modules']} imported modules as bytecode only, {report['own_modules']} of ours "
          f"with source, {report['source_only_modules']} never-imported as source only"
          + (f"; bytecode for Python {report['bytecode']['python']}" if report["bytecode"] else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
