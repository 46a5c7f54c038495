"""dist/lambda.zip: built, unpacked, run on CPython 3.13 (Pyodide) as shipped, and run in a fresh
process here (the same layout built for this machine's Python) with only the bundle and boto3."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import uuid
import zipfile
from pathlib import Path

import pytest

from skill_dev import build_lambda
from skill_dev.build_lambda import ROOT
from skill_dev.dynamodb_server import CREDENTIALS, REGION, MotoServer, create_table, dynamodb_client
from skill_dev.envelopes import Session


def _build(tmp_path_factory, name: str, python_version: str):
    work = tmp_path_factory.mktemp(name)
    report = build_lambda.build(work / "lambda.zip", work / "build", python_version=python_version)
    unpacked = work / "unpacked"
    with zipfile.ZipFile(work / "lambda.zip") as archive:
        archive.extractall(unpacked)
    return unpacked, report


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The real artifact (CPython 3.13 bytecode), built into a temporary place, not dist/, and unpacked."""
    unpacked, report = _build(tmp_path_factory, "bundle", build_lambda.LAMBDA_PYTHON)
    print(f"\nlambda.zip: {report['zipped_bytes']} bytes zipped, {report['unzipped_bytes']} unzipped")
    return unpacked, report


@pytest.fixture(scope="module")
def local_bundle(tmp_path_factory):
    """The same layout with bytecode for this machine's Python, to run it here in a fresh process."""
    return _build(tmp_path_factory, "local-bundle", "local")[0]


@pytest.fixture(scope="module")
def boto3_only(tmp_path_factory):
    """A folder holding boto3 and what it brings (as the Lambda runtime provides), nothing else."""
    folder = tmp_path_factory.mktemp("boto3-only")
    for name in ("boto3", "botocore", "s3transfer", "jmespath"):
        spec = importlib.util.find_spec(name)
        (folder / name).symlink_to(Path(spec.origin).parent)
    return folder


def run_in_fresh_python(bundle_dir: Path, extra_path: list[Path], code: str, env: dict) -> dict:
    """Run ``code`` with no site-packages: only the bundle (and ``extra_path``) can be imported."""
    script = textwrap.dedent(f"""
        import json, sys
        sys.path[:0] = {[str(bundle_dir), *map(str, extra_path)]!r}
        import lambda_function
        results = []
        for event in json.loads(sys.stdin.read()):
            results.append(lambda_function.lambda_handler(event, None))
        extra = {{}}
    """) + textwrap.dedent(code) + "\nprint(json.dumps({'results': results, **extra}))\n"
    result = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", script], input=env.pop("_EVENTS"),
                            capture_output=True, text=True, timeout=120, env=env, cwd=bundle_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def base_env() -> dict:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "HOME", "TMPDIR")}
    return {**keep, "AWS_LAMBDA_FUNCTION_NAME": "back-stretch-coach-test"}


def events(*builders) -> str:
    session = Session()
    out = []
    for build in builders:
        envelope = build(session)
        out.append(envelope)
        session.new = False
    return json.dumps(out)


def test_the_bundle_holds_what_lambda_needs_and_nothing_else(bundle):
    folder, report = bundle
    top = {p.name for p in folder.iterdir()}
    assert "lambda_function.py" in top and "skill" in top and "ask_sdk_core" in top
    assert not top & {"boto3", "botocore", "s3transfer", "tests", "bin", "flask", "werkzeug", "moto", "pytest"}
    assert "skill_dev" not in top  # developer tools are their own package, never deployed
    shipped = {p.relative_to(folder / "skill").with_suffix(".py").as_posix()
               for p in (folder / "skill").rglob("*") if p.suffix in (".py", ".pyc") and "__pycache__" not in p.parts}
    source = {p.relative_to(ROOT / "skill").as_posix() for p in (ROOT / "skill").rglob("*.py")}
    assert shipped == source  # the whole skill package, left out of nothing by name
    dateutil = next(folder.glob("python_dateutil-*.dist-info")).name
    assert dateutil.split("-")[1].startswith("2."), "the runtime's botocore needs python-dateutil < 3"
    print(f"zipped {report['zipped_bytes']:,} B, unzipped {report['unzipped_bytes']:,} B, {report['files']} files")


def test_the_policy_pages_ship_rendered_and_are_served_without_a_markdown_library(local_bundle):
    """The policy pages' function (template.yaml's PolicyPagesFunction, handler skill.policies.lambda_handler)
    runs from the same zip: the docs ship as HTML, filled from the stack's parameters at request time."""
    folder = local_bundle
    assert {p.name for p in (folder / "skill" / "policy_pages").iterdir()} == {"privacy.html", "terms.html"}
    script = textwrap.dedent(f"""
        import json, sys
        sys.path[:0] = [{str(folder)!r}]
        from skill import policies
        out = {{path: policies.lambda_handler({{"rawPath": path, "requestContext": {{"http": {{"method": "GET"}}}}}})
               for path in ("/privacy", "/terms", "/other")}}
        out["markdown_it_loaded"] = "markdown_it" in sys.modules
        print(json.dumps(out))
    """)
    env = {**base_env(), "OPERATOR_NAME": "Sam Operator", "OPERATOR_CONTACT": "privacy@stretch.test"}
    result = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", script], capture_output=True, text=True,
                            timeout=60, env=env, cwd=folder)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout)
    assert out["markdown_it_loaded"] is False
    for path in ("/privacy", "/terms"):
        page = out[path]
        assert page["statusCode"] == 200 and page["headers"]["Content-Type"].startswith("text/html")
        assert "Sam Operator" in page["body"] and "privacy@stretch.test" in page["body"] and "{{" not in page["body"]
    assert out["/other"]["statusCode"] == 404


def test_imported_modules_ship_as_313_bytecode_and_ours_keep_their_source(bundle):
    folder, report = bundle
    assert report["bytecode"]["cache_tag"] == "cpython-313"
    assert not list(folder.rglob("*.cpython-311.pyc")) and not list(folder.rglob("*.so"))
    sourceless = [p for p in folder.rglob("*.pyc") if p.parent.name != "__pycache__"]
    assert len(sourceless) == report["sourceless_modules"] > 200
    for compiled in sourceless:
        data = compiled.read_bytes()
        assert data[:4] == bytes.fromhex("f30d0d0a"), compiled  # CPython 3.13's magic number
        assert int.from_bytes(data[4:8], "little") == 0b01, compiled  # PEP 552: hash-based, unchecked
        assert not compiled.with_suffix(".py").exists(), compiled
        assert compiled.relative_to(folder).parts[0] not in ("skill", "lambda_function.pyc")
    for source in [*(folder / "skill").rglob("*.py"), folder / "lambda_function.py"]:
        cached = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
        assert cached.read_bytes()[:4] == bytes.fromhex("f30d0d0a"), source
    assert report["source_only_modules"] > 0  # never imported: source only, compiled on first use


def test_the_real_bundle_runs_on_cpython_313(bundle):
    """Pyodide is CPython 3.13: it loads the shipped bytecode exactly as Lambda's python3.13 would."""
    folder, _ = bundle
    result = subprocess.run(["node", str(build_lambda.ROOT / "tools" / "pyc" / "run.js"), str(folder)],
                            input=events(lambda s: s.launch(),
                                         lambda s: s.intent("StartRoutineIntent", {"routine": "quick"})),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["python"].startswith("3.13.")
    assert "SourcelessFileLoader" in out["loaders"] and out["sourceless"] > 200
    launch, start = out["responses"]
    assert "Welcome to Back Stretch Coach" in launch["response"]["outputSpeech"]["ssml"]
    assert "Stretch 1 of 4: knee to chest." in start["response"]["outputSpeech"]["ssml"]


def test_launch_and_start_in_a_fresh_process_with_no_aws_configuration(local_bundle, boto3_only):
    folder = local_bundle
    env = {**base_env(), "PERSISTENCE": "none",
           "_EVENTS": events(lambda s: s.launch(), lambda s: s.intent("StartRoutineIntent", {"routine": "quick"}))}
    out = run_in_fresh_python(folder, [boto3_only], "extra['boto3_imported'] = 'boto3' in sys.modules", env)
    launch, start = out["results"]
    assert "Welcome to Back Stretch Coach" in launch["response"]["outputSpeech"]["ssml"]
    assert "Stretch 1 of 4: knee to chest." in start["response"]["outputSpeech"]["ssml"]
    assert out["boto3_imported"] is False


def test_the_lambda_environment_default_store_is_dynamodb(local_bundle, boto3_only, tmp_path_factory):
    folder = local_bundle
    server = MotoServer(tmp_path_factory.mktemp("moto-bundle"))
    server.start()
    try:
        client = dynamodb_client(server.endpoint_url)
        table = f"bsc-bundle-{uuid.uuid4().hex[:8]}"
        create_table(client, table)
        session_events = events(lambda s: s.launch(), lambda s: s.intent("StartRoutineIntent", {"routine": "hips"}))
        env = {**base_env(), **CREDENTIALS, "AWS_REGION": REGION, "DYNAMODB_TABLE": table,
               "DYNAMODB_ENDPOINT_URL": server.endpoint_url, "NO_PROXY": "127.0.0.1,localhost",
               "_EVENTS": session_events}
        out = run_in_fresh_python(folder, [boto3_only], "extra['boto3_imported'] = 'boto3' in sys.modules", env)
        assert "Stretch 1 of 5" in out["results"][1]["response"]["outputSpeech"]["ssml"]
        assert out["boto3_imported"] is True
        user = json.loads(session_events)[0]["session"]["user"]["userId"]
        item = client.get_item(TableName=table, Key={"id": {"S": user}}, ConsistentRead=True)["Item"]
        assert item["attributes"]["M"]["routine"]["S"] == "hips"
    finally:
        server.stop()


def test_without_boto3_on_the_path_a_dynamodb_configuration_fails_clearly_not_at_import(local_bundle):
    folder = local_bundle
    env = {**base_env(), "DYNAMODB_TABLE": "t", "_EVENTS": events(lambda s: s.launch())}
    out = run_in_fresh_python(folder, [], "", env)
    # The store can't be reached (no boto3), so the skill answers from the session and logs the failure.
    assert "Welcome" in out["results"][0]["response"]["outputSpeech"]["ssml"]


#: Packages the runtime's botocore imports. A copy in the bundle shadows the runtime's (the bundle comes first
#: on sys.path), so a copy must be one botocore accepts; s3transfer and jmespath are not shipped at all.
BOTOCORE_DEPENDENCIES = {"urllib3", "python-dateutil", "s3transfer", "jmespath"}


def test_the_bundle_ships_no_botocore_dependency_outside_what_botocore_accepts(bundle):
    import importlib.metadata
    import re as _re

    from packaging.requirements import Requirement

    folder, _ = bundle
    shipped = {}
    for info in folder.glob("*.dist-info"):
        name, version = info.name[: -len(".dist-info")].rsplit("-", 1)
        shipped[_re.sub(r"[-_.]+", "-", name).lower()] = version
    lambda_python = {"python_version": build_lambda.LAMBDA_PYTHON, "extra": ""}  # the runtime's Python (3.13)
    requirements = [Requirement(r) for r in importlib.metadata.requires("botocore") or []]
    accepted = {r.name.lower(): r.specifier for r in requirements
                if r.marker is None or r.marker.evaluate(lambda_python)}
    checked = {}
    for name in BOTOCORE_DEPENDENCIES & set(shipped):
        assert shipped[name] in accepted[name], f"{name} {shipped[name]} is outside botocore's {accepted[name]}"
        checked[name] = shipped[name]
    assert "s3transfer" not in shipped and "jmespath" not in shipped
    assert {"urllib3", "python-dateutil"} <= set(checked), shipped  # the two the SDK brings are checked
    print(f"\nbotocore {importlib.metadata.version('botocore')} accepts the bundle's {checked}")
