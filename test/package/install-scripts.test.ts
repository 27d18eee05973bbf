/** Supply chain: no package runs code at install time except the two native builds we name. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NATIVE } from "../../scripts/native-deps.js";

/** Packages that ship an install script we deliberately skip, with why it is not needed. */
const SKIPPED: Record<string, string> = {
  esbuild: "its postinstall only re-checks the platform binary that npm already installed",
};

function packagesWithScript(script: string): string[] {
  const out = execFileSync("npm", ["query", `:attr(scripts, [${script}])`], { encoding: "utf8" });
  return (JSON.parse(out) as Array<{ name: string }>).map((p) => p.name);
}

describe("install-time scripts", () => {
  it("are off for every package: .npmrc sets ignore-scripts", () => {
    const npmrc = readFileSync(".npmrc", "utf8");
    expect(npmrc).toMatch(/^ignore-scripts=true$/m);
  });

  it("are run by name only for the native builds of better-sqlite3 and argon2", () => {
    expect(Object.keys(NATIVE).sort()).toEqual(["argon2", "better-sqlite3"]);
  });

  it("exist only in packages that are built by name or known to be safe to skip", () => {
    const found = new Set(["preinstall", "install", "postinstall"].flatMap(packagesWithScript));
    const reviewed = new Set([...Object.keys(NATIVE), ...Object.keys(SKIPPED)]);
    expect([...found].filter((name) => !reviewed.has(name))).toEqual([]);
  });

  it("lists every direct runtime dependency in the README's security section", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Security"));
    const missing = Object.keys(pkg.dependencies).filter((name) => !section.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
