/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { precompress } from "./vite-precompress.ts";

const backend = process.env.CRYPTOMON_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: {
    proxy: {
      "/api": backend,
      "/health": backend,
      "/ws": { target: backend.replace("http", "ws"), ws: true },
    },
  },
  // No source maps: the build is published as is, and they would expose the sources (1.76 MB).
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 1200 },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}", "eslint/**/*.test.ts"],
  },
});
