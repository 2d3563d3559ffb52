import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileMjmlInProcess, type MjmlCompiler } from './mjml-compiler.js';
import { mailText } from './text-part.js';

/** A template compiled once: HTML and text still holding their `{{placeholders}}`. */
export interface CompiledMail {
  readonly html: string;
  readonly text: string;
}

export interface Renderer {
  /** Compiles `templates/NAME.mjml` inside the shared layout (cached after the first call). */
  template(name: string): Promise<CompiledMail>;
  /** Compiles an MJML fragment given as a string inside the layout (not cached). */
  compile(contentMjml: string): Promise<CompiledMail>;
  /** The MJML source of `templates/NAME.mjml`, for callers that fill in `{{> slots}}` first. */
  source(name: string): Promise<string>;
}

export function createRenderer(templatesDir: string, compileMjml: MjmlCompiler = compileMjmlInProcess): Renderer {
  const cache = new Map<string, Promise<CompiledMail>>();
  const sources = new Map<string, Promise<string>>();
  const source = (name: string) => {
    let text = sources.get(name);
    if (!text) {
      text = readFile(join(templatesDir, `${name}.mjml`), 'utf8');
      text.catch(() => sources.delete(name));
      sources.set(name, text);
    }
    return text;
  };

  async function compile(content: string): Promise<CompiledMail> {
    const mjml = (await source('layout')).replace('{{> content}}', () => content);
    const html = await compileMjml(mjml);
    return { html, text: mailText(html) };
  }

  return {
    template(name) {
      const key = name;
      let entry = cache.get(key);
      if (!entry) {
        entry = source(name).then((c) => compile(c));
        entry.catch(() => cache.delete(key));
        cache.set(key, entry);
      }
      return entry;
    },
    compile,
    source,
  };
}
