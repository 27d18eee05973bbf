/** `npm run bench -- NAME`: runs one benchmark from bench/, or lists them. */
const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  accountability: () => import("./accountability.js"),
  contacts: () => import("./contacts.js"),
  dedupe: () => import("./dedupe.js"),
  dispatch: () => import("./dispatch.js"),
  highs: () => import("./dispatch-highs.js"),
  intake: () => import("./intake.js"),
  online: () => import("./dispatch-online.js"),
  reports: () => import("./reports.js"),
  slots: () => import("./slots.js"),
};

const name = process.argv[2];
const run = name ? BENCHMARKS[name] : undefined;
if (!run) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join("|")}>\n`);
  process.exit(2);
}
await run();
