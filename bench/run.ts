/**
 * `npm run bench`: runs every bench/*.bench.ts in turn, each in its own process so that one
 * bench's heap and JIT state cannot colour the next, and passes their JSON lines through.
 * `npm run bench -- subscribe` runs only the benches whose file name contains "subscribe".
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../tests/helpers/server-process.js';

const dir = join(ROOT, 'bench');
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
if (files.length === 0) {
  process.stderr.write(`bench: nothing matches ${only.join(' ')}\n`);
  process.exit(2);
}

let failures = 0;
for (const file of files) {
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(dir, file)], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    failures += 1;
    process.stderr.write(`bench: ${file} exited with ${code}\n`);
  }
}
process.exit(failures === 0 ? 0 : 1);
