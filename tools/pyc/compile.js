// Compile a Lambda bundle to CPython 3.13 bytecode with Pyodide (CPython 3.13 built for WebAssembly,
// so its bytecode is what CPython 3.13 on Lambda loads). Usage:
//   node compile.js <folder> <plan.json>
// plan.json: {"sourceless": [paths], "stripped": [paths], "cached": [paths]}, paths relative to <folder>:
//   sourceless: write foo.pyc beside foo.py (the caller then removes foo.py; Python imports it without source)
//   stripped:   those of the sourceless that are compiled without docstrings (they have no assert statements,
//               which the same optimisation level would also remove)
//   cached:     write __pycache__/foo.cpython-313.pyc and keep the source
// Unchecked-hash pycs: no source timestamps to compare, which a zip does not preserve reliably.
// Prints one JSON line: {ok, cache_tag, magic, python, compiled}.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { loadPyodide } = require("pyodide");

(async () => {
  const folder = path.resolve(process.argv[2]);
  const plan = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
  const pyodide = await loadPyodide();
  pyodide.FS.mkdir("/bundle");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: folder }, "/bundle");
  pyodide.globals.set("plan_json", JSON.stringify(plan));
  const result = pyodide.runPython(`
import importlib.util, json, py_compile, sys
plan = json.loads(plan_json)
mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
stripped = set(plan["stripped"])
for rel in plan["sourceless"]:
    py_compile.compile(f"/bundle/{rel}", cfile=f"/bundle/{rel}c", dfile=rel, doraise=True, invalidation_mode=mode,
                       optimize=2 if rel in stripped else 0)
for rel in plan["cached"]:
    py_compile.compile(f"/bundle/{rel}", dfile=rel, doraise=True, invalidation_mode=mode)
json.dumps({"ok": True, "cache_tag": sys.implementation.cache_tag, "magic": importlib.util.MAGIC_NUMBER.hex(),
            "python": sys.version.split()[0], "compiled": len(plan["sourceless"]) + len(plan["cached"])})
`);
  console.log(result);
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
