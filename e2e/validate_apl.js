// Validates APL documents with Amazon's own validator (npm apl-suggester, pinned in package-lock.json).
// Input: one JSON document per line on stdin. Output: one JSON array of findings per line, in order.
// Documents are validated one at a time: the validator's schema cache is not safe for concurrent calls.
'use strict';
const readline = require('node:readline');
const { StaticAplTemplateValidator } = require('apl-suggester');

async function main() {
  const validator = new StaticAplTemplateValidator();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let findings;
    try {
      findings = await validator.validate(JSON.parse(line));
    } catch (error) {
      findings = [{ path: '/', errorMessage: `validator failed: ${error}`, level: 'ERROR' }];
    }
    process.stdout.write(`${JSON.stringify(findings)}\n`);
  }
}

main();
