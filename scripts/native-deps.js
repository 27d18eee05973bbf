// Builds the two native modules on first use. `.npmrc` sets ignore-scripts, so `npm ci` runs no
// package's install script; these two are the only ones the product needs, and they run here, by name.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const modules = join(root, "node_modules");

/** Each native module, and the files of which one must exist for it to load on this machine. */
export const NATIVE = {
  "better-sqlite3": ["better-sqlite3/build/Release/better_sqlite3.node"],
  // Its prebuilt binaries crash (SIGSEGV) on some Linux distributions: build it here too, which is
  // what its own install script ends up doing on them (a few seconds).
  argon2: ["argon2/build/Release/argon2.node"],
};

export function missingNativeModules() {
  return Object.entries(NATIVE)
    .filter(([, files]) => !files.some((file) => existsSync(join(modules, file))))
    .map(([name]) => name);
}

export function ensureNativeModules() {
  const missing = missingNativeModules();
  if (missing.length === 0) return;
  process.stderr.write(
    `Building ${missing.join(" and ")} for this machine (first run only; a few minutes)…\n`,
  );
  execFileSync("npm", ["rebuild", ...missing, "--ignore-scripts=false"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const still = missingNativeModules();
  if (still.length > 0) throw new Error(`could not build ${still.join(", ")}: see the messages above`);
}

if (import.meta.url === `file://${process.argv[1]}`) ensureNativeModules();
