import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser tests poll the page; on a busy machine a render can take longer than the 1 s default.
    expect: { poll: { timeout: 10_000 } },
    include: ["src/**/*.test.ts", "web/src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
