#!/usr/bin/env node
// Entry point of `npx conformance`. The installed package runs the JavaScript that
// `npm run build` compiled into dist/ (no TypeScript loader at run time). A checkout runs
// its TypeScript sources through tsx (a devDependency) instead, so that a dist/ left by an
// earlier `npm pack` can never run older code than the sources beside it. The published
// package ships no cli/*.ts, so it always takes the first branch.
import { existsSync } from "node:fs";

const fromSource = existsSync(new URL("../cli/main.ts", import.meta.url));
let main;
if (fromSource) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../cli/main.ts"));
} else {
  ({ main } = await import("../dist/cli/main.js"));
}
process.exitCode = await main(process.argv.slice(2));
