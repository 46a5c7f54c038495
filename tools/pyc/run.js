// Run an unpacked Lambda bundle on CPython 3.13 (Pyodide): import lambda_function and hand it the
// events read from stdin (a JSON list); print one JSON line {python, responses}.
// Usage: node run.js <folder> < events.json     (PERSISTENCE=none inside: Pyodide has no sockets)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { loadPyodide } = require("pyodide");

(async () => {
  const folder = path.resolve(process.argv[2]);
  const events = fs.readFileSync(0, "utf8");
  const pyodide = await loadPyodide();
  pyodide.FS.mkdirTree("/var/task");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: folder }, "/var/task");
  pyodide.globals.set("events_json", events);
  const result = pyodide.runPython(`
import json, os, sys
os.environ["PERSISTENCE"] = "none"
sys.dont_write_bytecode = True
sys.path.insert(0, "/var/task")
import lambda_function
responses = [lambda_function.lambda_handler(event, None) for event in json.loads(events_json)]
loaded = sorted({type(m.__spec__.loader).__name__ for m in list(sys.modules.values())
                 if getattr(m, "__file__", "") and m.__file__.startswith("/var/task/")})
json.dumps({"python": sys.version.split()[0], "responses": responses, "loaders": loaded,
            "sourceless": sum(1 for m in list(sys.modules.values())
                              if (getattr(m, "__file__", "") or "").startswith("/var/task/") and m.__file__.endswith(".pyc"))})
`);
  console.log(result);
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
