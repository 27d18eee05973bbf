// Builds the console (web/dist) when it is missing or older than its sources; `npm start` runs this first.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const built = join(root, "web/dist/index.html");

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ["web/src", "web/index.html", "web/public", "web/vite.config.ts", "src/core"].map((p) =>
  join(root, p),
);
const stale =
  !existsSync(built) || Math.max(...sources.filter(existsSync).map(newest)) > statSync(built).mtimeMs;
if (stale) {
  process.stderr.write("Building the console (web/dist)…\n");
  execFileSync(
    process.execPath,
    [join(root, "node_modules/vite/bin/vite.js"), "build", "web", "--logLevel", "warn"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
}
