import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The console is served by `handoff serve` from web/dist, on the same origin as the API.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: { proxy: { "/api": "http://127.0.0.1:3000", "/healthz": "http://127.0.0.1:3000" } },
});
