import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convert } from 'html-to-text';
import { compileMjmlInProcess, type MjmlCompiler } from './mjml-compiler.js';

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

const TEXT_OPTIONS = {
  wordwrap: 78,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    // MJML's hidden preview text belongs in the inbox list, not at the top of the text part.
    { selector: 'div[style*="display:none"]', format: 'skip' },
  ],
};

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
    return { html, text: convert(html, TEXT_OPTIONS) };
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
