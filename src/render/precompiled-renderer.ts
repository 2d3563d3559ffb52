import { rendererOver, type CompiledTemplate } from './compiled-renderer.js';
import { compiledTemplates } from './compiled-templates.js';
import type { Renderer } from './renderer.js';

/**
 * Renders from the templates compiled at build time (scripts/compile-templates.ts): no MJML,
 * which is too large for a Worker's bundle, and no file access, which a Worker does not have.
 */
export function createPrecompiledRenderer(templates: Readonly<Record<string, CompiledTemplate>> = compiledTemplates): Renderer {
  return rendererOver(async (name) => {
    const template = Object.hasOwn(templates, name) ? templates[name] : undefined;
    if (!template) throw new Error(`No compiled template "${name}": is src/render/compiled-templates.ts up to date?`);
    return template;
  });
}
