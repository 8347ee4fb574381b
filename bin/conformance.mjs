#!/usr/bin/env node
// Entry point of `npx conformance`: the tool is TypeScript run through tsx, so no build
// step stands between a checkout and a run.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
