// node scripts/precompress.mjs DIR: writes FILE.br (brotli, quality 11) and FILE.gz (gzip -9)
// beside every file under DIR, which the server sends as they are to browsers that accept them.
// Node's zlib does both, so a build needs no brotli or gzip package.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (!/\.(br|gz)$/.test(entry.name)) yield path;
  }
}

for (const path of [...files(process.argv[2])]) {
  const data = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  }));
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
}
