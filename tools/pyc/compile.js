// Compile every .py under a folder to CPython 3.13 bytecode (__pycache__/*.cpython-313.pyc).
// Pyodide is CPython 3.13 compiled to WebAssembly: its compileall writes the same bytecode as
// CPython 3.13 on Lambda. Unchecked-hash pycs are used without comparing source timestamps,
// which a zip does not preserve reliably.
// Usage: node compile.js <folder>
"use strict";
const path = require("node:path");
const { loadPyodide } = require("pyodide");

(async () => {
  const folder = path.resolve(process.argv[2] || ".");
  const pyodide = await loadPyodide();
  pyodide.FS.mkdir("/bundle");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: folder }, "/bundle");
  const result = pyodide.runPython(`
import compileall, importlib.util, py_compile, sys
ok = compileall.compile_dir("/bundle", quiet=1, workers=1,
                            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
f"{int(bool(ok))} {sys.implementation.cache_tag} {importlib.util.MAGIC_NUMBER.hex()} {sys.version.split()[0]}"
`);
  const [ok, tag, magic, version] = result.split(" ");
  console.log(JSON.stringify({ ok: ok === "1", cache_tag: tag, magic, python: version }));
  process.exit(ok === "1" ? 0 : 1);
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
