// Parse Mermaid files with the real Mermaid parser: `node parse.mjs FILE...`.
//
// Prints `FILE: ok` or `FILE: error: MESSAGE` for each file and exits 1 if any failed
// (2 on bad usage). One Node process checks all files, so the (slow) import of Mermaid
// is paid once. Used by tests/generators/test_mermaid_parse.py; install with
// `npm ci --prefix tests/tools/mermaid`.
//
// Mermaid is written for browsers: DOMPurify (used while parsing labels) needs a
// window, and sequence diagrams check `box` colours with `new Option().style`. jsdom
// provides both; it must be installed as globals *before* Mermaid is imported.

import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node parse.mjs FILE.mmd...");
  process.exit(2);
}

const { window } = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = window;
globalThis.document = window.document;
globalThis.Option = window.Option;

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of files) {
  try {
    await mermaid.parse(readFileSync(file, "utf8"));
    console.log(`${file}: ok`);
  } catch (error) {
    failed += 1;
    const message = String(error?.message ?? error).replace(/\s*\n\s*/g, " | ");
    console.log(`${file}: error: ${message}`);
  }
}
process.exitCode = failed ? 1 : 0;
