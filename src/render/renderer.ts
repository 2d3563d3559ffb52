import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileTemplate } from './compile-template.js';
import { rendererOver, type CompiledTemplate } from './compiled-renderer.js';
import { compileMjmlInProcess, type MjmlCompiler } from './mjml-compiler.js';

/** A mail compiled once: HTML and text still holding their `{{placeholders}}`. */
export interface CompiledMail {
  readonly html: string;
  readonly text: string;
}

export interface Renderer {
  /** `templates/NAME.mjml` compiled inside the shared layout; NAME must have no slots. */
  template(name: string): Promise<CompiledMail>;
  /**
   * `templates/NAME.mjml` compiled inside the layout with its `{{> slots}}` filled with the
   * given HTML (braces protected, see protectBraces), and the text part made from the result.
   */
  fill(name: string, slots: Readonly<Record<string, string>>): Promise<CompiledMail>;
}

/** Compiles `templates/NAME.mjml` inside `templates/layout.mjml`. */
export async function compileTemplateFile(templatesDir: string, name: string, compileMjml: MjmlCompiler): Promise<CompiledTemplate> {
  const read = (file: string) => readFile(join(templatesDir, `${file}.mjml`), 'utf8');
  const [layout, source] = await Promise.all([read('layout'), read(name)]);
  return compileTemplate(layout, source, compileMjml);
}

/**
 * Compiles templates/ at run time, once per template for the life of the process, so that on
 * Node an edited template needs only a restart. The Workers build uses the compiled-templates
 * module instead (see precompiled-renderer.ts).
 */
export function createRenderer(templatesDir: string, compileMjml: MjmlCompiler = compileMjmlInProcess): Renderer {
  const cache = new Map<string, Promise<CompiledTemplate>>();
  return rendererOver((name) => {
    let entry = cache.get(name);
    if (!entry) {
      entry = compileTemplateFile(templatesDir, name, compileMjml);
      entry.catch(() => cache.delete(name));
      cache.set(name, entry);
    }
    return entry;
  });
}
