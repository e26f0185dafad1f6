// Format HCL with HashiCorp's hclwrite (the code behind `terraform fmt`), compiled to
// WebAssembly and shipped in @cdktf/hcl-tools. Install with `npm ci --prefix tests/tools/hcl`.
//
// `node fmt.mjs` reads one JSON string (an HCL source) per line on stdin and answers each
// with one line: the formatted source as a JSON string. One process serves a whole test
// session, so loading the WebAssembly module is paid once.

import { createInterface } from "node:readline";
import { format } from "@cdktf/hcl-tools";

for await (const line of createInterface({ input: process.stdin })) {
  let answer;
  try {
    answer = { formatted: await format(JSON.parse(line)) };
  } catch (error) {
    answer = { error: String(error?.message ?? error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
