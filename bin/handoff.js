#!/usr/bin/env node
// The `handoff` command: runs the TypeScript sources through tsx, so no build step stands between npm ci and use.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
