// A Vite build plugin: writes a .br and a .gz beside every compressible output file (the API serves them
// to clients that accept them) and fails the build if it would publish a source map.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|xml|webmanifest)$/;
// Below this, the saving is less than one network packet.
const MIN_BYTES = 1024;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function compress(file: string): void {
  const raw = readFileSync(file);
  const brotli = brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  const gzip = gzipSync(raw, { level: 9 });
  // A copy that barely saves anything costs a lookup and disk for nothing.
  if (brotli.length < raw.length * 0.9) writeFileSync(`${file}.br`, brotli);
  if (gzip.length < raw.length * 0.9) writeFileSync(`${file}.gz`, gzip);
}

export function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "cryptomon-precompress",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const all = files(outDir);
      const maps = all.filter((file) => file.endsWith(".map"));
      if (maps.length > 0) throw new Error(`source maps must not be published: ${maps.join(", ")}`);
      for (const file of all) {
        if (COMPRESSIBLE.test(file) && readFileSync(file).length >= MIN_BYTES) compress(file);
      }
    },
  };
}
