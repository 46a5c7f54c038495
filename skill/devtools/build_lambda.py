"""Builds dist/lambda.zip, the artifact template.yaml deploys.

What goes in:

* the runtime dependencies (ask-sdk-core, ask-sdk-model and theirs), installed
  for the Lambda runtime (CPython 3.13 on arm64) from wheels;
* the ``skill`` package without what only the web endpoint or developers use
  (``devtools``, ``web``, ``verification``, ``interaction_model``);
* ``lambda_function.py`` at the root, as the handler setting expects;
* CPython 3.13 bytecode for all of it (``__pycache__/*.cpython-313.pyc``,
  unchecked-hash), because Lambda's code folder is read-only and would
  otherwise compile every module on every cold start.

What stays out: boto3 and botocore (the Lambda runtime has them), tests,
console scripts, dev dependencies. python-dateutil is pinned below 3 because
the bundle's copy shadows the runtime's and botocore needs < 3.

No Python 3.13 is needed here: the bytecode comes from Pyodide, CPython 3.13
built for WebAssembly, run with Node (tools/pyc/compile.js).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAMBDA_PYTHON = "3.13"
LAMBDA_PLATFORM = "manylinux2014_aarch64"
CACHE_TAG = "cpython-313"
MAGIC_313 = bytes.fromhex("f30d0d0a")
REQUIREMENTS = ("ask-sdk-core==1.19.0", "ask-sdk-model==1.82.0", "python-dateutil>=2.8.2,<3")
LEAVE_OUT_OF_SKILL = {"devtools", "web.py", "verification.py", "interaction_model.py", "__pycache__"}
LEAVE_OUT_ANYWHERE = {"__pycache__", "tests", "bin"}
FORBIDDEN_TOP_LEVEL = {"boto3", "botocore", "s3transfer", "jmespath", "pytest", "moto", "flask", "werkzeug"}
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


class BuildError(RuntimeError):
    pass


def install_dependencies(target: Path) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
               "--target", str(target), "--platform", LAMBDA_PLATFORM, "--implementation", "cp",
               "--python-version", LAMBDA_PYTHON, "--only-binary=:all:", *REQUIREMENTS]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"pip could not install the runtime dependencies:\n{result.stderr[-2000:]}")


def copy_code(target: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in LEAVE_OUT_ANYWHERE or n.endswith((".pyc", ".pyo"))}
        if Path(folder).resolve() == (ROOT / "skill").resolve():
            skipped |= {n for n in names if n in LEAVE_OUT_OF_SKILL}
        return skipped

    shutil.copytree(ROOT / "skill", target / "skill", ignore=ignore)
    shutil.copy2(ROOT / "lambda" / "lambda_function.py", target / "lambda_function.py")


def prune(target: Path) -> None:
    for name in LEAVE_OUT_ANYWHERE:
        for path in list(target.rglob(name)):
            if path.is_dir():
                shutil.rmtree(path)
    for pattern in ("*.pyi", "*.dist-info/RECORD", "*.dist-info/INSTALLER", "*.dist-info/REQUESTED"):
        for path in target.glob(pattern) if "/" in pattern else target.rglob(pattern):
            path.unlink()
    present = {p.name.split("-")[0].lower() for p in target.iterdir()}
    leaked = present & FORBIDDEN_TOP_LEVEL
    if leaked:
        raise BuildError(f"the bundle must not contain {sorted(leaked)}")


def compile_bytecode(target: Path) -> dict:
    tool = ROOT / "tools" / "pyc"
    if not (tool / "node_modules" / "pyodide").is_dir():
        raise BuildError("tools/pyc is not installed: run `npm ci --prefix tools/pyc` (make bundle does)")
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is needed to compile CPython 3.13 bytecode with Pyodide")
    result = subprocess.run([node, str(tool / "compile.js"), str(target)], capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        raise BuildError(f"bytecode compilation failed:\n{result.stdout}\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["cache_tag"] != CACHE_TAG or bytes.fromhex(report["magic"]) != MAGIC_313:
        raise BuildError(f"compiled for {report}, not CPython {LAMBDA_PYTHON}")
    for source in target.rglob("*.py"):
        compiled = source.parent / "__pycache__" / f"{source.stem}.{CACHE_TAG}.pyc"
        if not compiled.exists() or compiled.read_bytes()[:4] != MAGIC_313:
            raise BuildError(f"no {CACHE_TAG} bytecode for {source.relative_to(target)}")
    return report


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
          bytecode: bool = True) -> dict:
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    install_dependencies(workdir)
    copy_code(workdir)
    prune(workdir)
    report = compile_bytecode(workdir) if bytecode else {}
    write_zip(workdir, archive)
    return {"zip": str(archive), "zipped_bytes": archive.stat().st_size, "unzipped_bytes": folder_size(workdir),
            "files": sum(1 for p in workdir.rglob("*") if p.is_file()), "bytecode": report}


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
          f"{report['unzipped_bytes'] / 1e6:.2f} MB unzipped, {report['files']} files"
          + (f", bytecode for Python {report['bytecode']['python']}" if report["bytecode"] else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
