import type { DeskEditor } from '../desk-env.js';

const PAGES = [
  ['publication', 'Publication', '/admin/settings'],
  ['keys', 'API keys', '/admin/settings/keys'],
  ['editors', 'Editors', '/admin/settings/editors'],
] as const;

/** Pages only an owner may open: an editor is not shown a link that answers 403. */
const OWNERS_ONLY = new Set<string>(['editors']);

/** The settings section's pages, so each is one link from the others. */
export function SettingsNav(props: { current: (typeof PAGES)[number][0]; editor: DeskEditor }) {
  return (
    <nav aria-label="Settings" class="settings-nav">
      <ul>
        {PAGES.filter(([id]) => props.editor.role === 'owner' || !OWNERS_ONLY.has(id)).map(([id, label, href]) => (
          <li>
            <a href={href} aria-current={props.current === id ? 'page' : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
