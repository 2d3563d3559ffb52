import { compiledTemplateOf, type CompiledTemplate } from './compiled-renderer.js';
import type { MjmlCompiler } from './mjml-compiler.js';
import { compiledSlot, SOURCE_SLOT } from './slots.js';

// Whitespace that JavaScript's trim() removes, as MJML's does, and that no template uses.
const PROBE = '\u2003';

function split(html: string): { literals: string[]; names: string[] } {
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const match of html.matchAll(SOURCE_SLOT)) {
    literals.push(html.slice(last, match.index));
    names.push(match[1]!);
    last = match.index + match[0].length;
  }
  literals.push(html.slice(last));
  return { literals, names };
}

/**
 * Compiles a template inside the layout, leaving its `{{> slots}}` as markers to be filled
 * with HTML later, so that compiling once gives what compiling with the values in would.
 * A second compilation with a probe character on each side of every slot shows where MJML
 * trims, which the marker then records.
 */
export async function compileTemplate(layout: string, source: string, compileMjml: MjmlCompiler): Promise<CompiledTemplate> {
  const inLayout = (content: string) => layout.replace('{{> content}}', () => content);
  const plain = await compileMjml(inLayout(source));
  const slotCount = [...source.matchAll(SOURCE_SLOT)].length;
  if (slotCount === 0) return compiledTemplateOf(plain);

  const probed = await compileMjml(inLayout(source.replace(SOURCE_SLOT, (slot) => `${PROBE}${slot}${PROBE}`)));
  const a = split(plain);
  const b = split(probed);
  if (a.names.length !== slotCount || b.names.join() !== a.names.join()) {
    throw new Error('A slot did not come through MJML unchanged: slots belong in the content of mj-text or mj-raw');
  }
  let html = a.literals[0]!;
  let expected = a.literals[0]!;
  a.names.forEach((name, i) => {
    const keepsStart = b.literals[i]!.endsWith(PROBE);
    const keepsEnd = b.literals[i + 1]!.startsWith(PROBE);
    html += compiledSlot(name, !keepsStart, !keepsEnd) + a.literals[i + 1]!;
    expected += `${keepsStart ? PROBE : ''}{{> ${name}}}${keepsEnd ? PROBE : ''}${a.literals[i + 1]!}`;
  });
  // Anything else the probe changed would be something MJML does to a value that filling does not.
  if (expected !== probed) throw new Error('MJML changes the content around a slot in a way filling the compiled HTML cannot reproduce');
  return compiledTemplateOf(html);
}
