import type { ImportRow } from './import-row.js';
import type { ImportScratch, RowSpool } from './import-scratch.js';

const BLOCK_ROWS = 1000;

/**
 * Import scratch in memory, for runtimes without a filesystem (Workers). An import then holds
 * its upload and its valid rows at once, about 4 times the upload's size in all, so `maxBytes`
 * must be a quarter of the memory an import may take (16 MB in a 128 MB isolate).
 */
export function createMemoryScratch(maxBytes: number): ImportScratch {
  return {
    maxBytes,
    async open() {
      return {
        async keep(upload) {
          const chunks: Uint8Array[] = [];
          let size = 0;
          for await (const chunk of upload) {
            chunks.push(chunk);
            size += chunk.length;
          }
          return {
            size,
            async *chunks() {
              yield* chunks;
            },
          };
        },
        rowSpool: memoryRowSpool,
        // Nothing to free: what was kept goes with the last reference to it.
        async release() {},
      };
    },
  };
}

/**
 * Rows as JSON text, one string per BLOCK_ROWS rows: about 3 times the CSV's size, where the
 * ImportRow objects themselves took 5 times (200,000 rows of email, name and two tags).
 */
function memoryRowSpool(): RowSpool {
  const blocks: string[] = [];
  let pending: string[] = [];
  const flush = () => {
    if (pending.length > 0) blocks.push(pending.join('\n'));
    pending = [];
  };
  return {
    async write(row) {
      pending.push(JSON.stringify(row));
      if (pending.length >= BLOCK_ROWS) flush();
    },
    async end() {
      flush();
    },
    async *rows() {
      for (const block of blocks) for (const line of block.split('\n')) yield JSON.parse(line) as ImportRow;
    },
  };
}
