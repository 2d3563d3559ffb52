import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const lines = ['email,name,tags,status,created_at'];
for (let i = 0; i < 100000; i++) lines.push(`reader${i}@example${i % 50}.com,"Reader ${i}, Esq.",${i % 3 === 0 ? '"vip,early"' : 'press'},active,2025-01-01T10:00:00Z`);
const file = join(dir, 'list.csv');
writeFileSync(file, lines.join('\n') + '\n');
async function run(label: string, opts: any) {
  const t0 = performance.now(); let n = 0;
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse(opts))) n++;
  console.log(label, (performance.now() - t0).toFixed(0), 'ms', n);
}
for (let k = 0; k < 2; k++) {
await run('plain', {});
await run('bom+delims', { bom: true, record_delimiter: ['\r\n', '\n', '\r'] });
await run('bom+relax', { bom: true, relax_column_count: true, skip_empty_lines: false });
await run('on_record', { bom: true, relax_column_count: true, on_record: (r: string[]) => r });
await run('all', { bom: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'], max_record_size: 1 << 20, on_record: (r: string[]) => r });
}
