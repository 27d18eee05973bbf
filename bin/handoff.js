#!/usr/bin/env node
// The `handoff` command: runs the TypeScript sources through tsx, so no build step stands between npm ci and use.
import { register } from "tsx/esm/api";
import { ensureNativeModules } from "../scripts/native-deps.js";

ensureNativeModules();
register();
await import("../src/cli/main.ts");
