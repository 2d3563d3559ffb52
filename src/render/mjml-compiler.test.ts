import { expect, it } from 'vitest';
import { compileMjmlInProcess, createMjmlWorkerCompiler } from './mjml-compiler.js';

const DOC = '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{name}}</mj-text></mj-column></mj-section></mj-body></mjml>';

it('compiles in a worker thread exactly as in-process, and starts again after going idle', async () => {
  const compile = createMjmlWorkerCompiler(50);
  const [fromWorker, inProcess] = await Promise.all([compile(DOC), compileMjmlInProcess(DOC)]);
  expect(fromWorker).toBe(inProcess);
  expect(fromWorker).toContain('Hello {{name}}');
  await new Promise((r) => setTimeout(r, 200));
  expect(await compile(DOC.replace('Hello', 'Again'))).toContain('Again {{name}}');
});

it('reports invalid MJML as an error', async () => {
  const compile = createMjmlWorkerCompiler(50);
  await expect(compile('<mjml><mj-body><mj-nonsense /></mj-body></mjml>')).rejects.toThrow(/MJML/);
  // The worker survives a bad document.
  expect(await compile(DOC)).toContain('Hello');
});
