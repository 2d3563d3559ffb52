import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convert } from 'html-to-text';
import { compileMjmlInProcess, type MjmlCompiler } from './mjml-compiler.js';
import { asText, escapeHtml, fillPlaceholders, splitPlaceholders, type Placeheld } from './placeholders.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** A template compiled once; `render` only substitutes values, escaping them for HTML. */
export interface CompiledMail {
  /** The compiled HTML and text, still holding their `{{placeholders}}`. */
  readonly html: string;
  readonly text: string;
  render(values: Readonly<Record<string, string>>): RenderedMail;
}

export interface Renderer {
  /** Compiles `templates/NAME.mjml` inside the shared layout (cached after the first call). */
  template(name: string, subject: string): Promise<CompiledMail>;
  /** Compiles an MJML fragment given as a string inside the layout (not cached). */
  compile(contentMjml: string, subject: string): Promise<CompiledMail>;
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
      sources.set(name, text);
    }
    return text;
  };

  async function compile(content: string, subject: string): Promise<CompiledMail> {
    const mjml = (await source('layout')).replace('{{> content}}', () => content);
    const html = await compileMjml(mjml);
    return compiled(subject, html, convert(html, TEXT_OPTIONS));
  }

  return {
    template(name, subject) {
      const key = `${name}\u0000${subject}`;
      let entry = cache.get(key);
      if (!entry) {
        entry = source(name).then((c) => compile(c, subject));
        entry.catch(() => cache.delete(key));
        cache.set(key, entry);
      }
      return entry;
    },
    compile,
    source,
  };
}

function compiled(subjectSource: string, htmlSource: string, textSource: string): CompiledMail {
  const [subject, html, text] = [subjectSource, htmlSource, textSource].map(splitPlaceholders) as [Placeheld, Placeheld, Placeheld];
  return {
    html: htmlSource,
    text: textSource,
    render: (values) => ({
      subject: fillPlaceholders(subject, values, asText),
      html: fillPlaceholders(html, values, escapeHtml),
      text: fillPlaceholders(text, values, asText),
    }),
  };
}
