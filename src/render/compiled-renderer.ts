import type { CompiledMail, Renderer } from './renderer.js';
import { fillSlots, hasSlots } from './slots.js';
import { mailText } from './text-part.js';

/**
 * A template compiled inside the layout: the HTML keeps its `{{placeholders}}` and slot
 * markers. A template with slots has no text yet: the text part wraps lines and lists links,
 * so it can only be made from the HTML once the slots are filled.
 */
export interface CompiledTemplate {
  readonly html: string;
  readonly text: string | null;
}

export function compiledTemplateOf(html: string): CompiledTemplate {
  return { html, text: hasSlots(html) ? null : mailText(html) };
}

/** A Renderer over compiled templates, however they were obtained (compiled now, or at build). */
export function rendererOver(load: (name: string) => Promise<CompiledTemplate>): Renderer {
  return {
    async template(name) {
      const { html, text } = await load(name);
      if (text === null) throw new Error(`The template "${name}" has slots to fill: use fill()`);
      return { html, text };
    },
    async fill(name, slots): Promise<CompiledMail> {
      const html = fillSlots((await load(name)).html, slots);
      return { html, text: mailText(html) };
    },
  };
}
