import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { convert } from 'html-to-text';
import { asText, escapeHtml, fillPlaceholders, splitPlaceholders, type Placeheld } from './placeholders.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** A template compiled once; `render` only substitutes values, escaping them for HTML. */
export interface CompiledMail {
  render(values: Readonly<Record<string, string>>): RenderedMail;
}

export interface Renderer {
  /** Compiles `templates/NAME.mjml` inside the shared layout (cached after the first call). */
  template(name: string, subject: string): Promise<CompiledMail>;
  /** Compiles an MJML fragment given as a string inside the layout (not cached). */
  compile(contentMjml: string, subject: string): Promise<CompiledMail>;
}

const TEXT_OPTIONS = {
  wordwrap: 78,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
  ],
};

export function createRenderer(templatesDir: string): Renderer {
  const cache = new Map<string, Promise<CompiledMail>>();
  let layout: Promise<string> | undefined;

  async function compile(content: string, subject: string): Promise<CompiledMail> {
    layout ??= readFile(join(templatesDir, 'layout.mjml'), 'utf8');
    const source = (await layout).replace('{{> content}}', () => content);
    // MJML costs ~0.5 s to load: import it on first use so start-up and the CLI stay fast.
    const { default: mjml2html } = await import('mjml');
    const result = await mjml2html(source, { validationLevel: 'strict', keepComments: false });
    return compiled(splitPlaceholders(subject), splitPlaceholders(result.html), splitPlaceholders(convert(result.html, TEXT_OPTIONS)));
  }

  return {
    template(name, subject) {
      const key = `${name}\u0000${subject}`;
      let entry = cache.get(key);
      if (!entry) {
        entry = readFile(join(templatesDir, `${name}.mjml`), 'utf8').then((c) => compile(c, subject));
        entry.catch(() => cache.delete(key));
        cache.set(key, entry);
      }
      return entry;
    },
    compile,
  };
}

function compiled(subject: Placeheld, html: Placeheld, text: Placeheld): CompiledMail {
  return {
    render: (values) => ({
      subject: fillPlaceholders(subject, values, asText),
      html: fillPlaceholders(html, values, escapeHtml),
      text: fillPlaceholders(text, values, asText),
    }),
  };
}
