const PAGES = [
  ['publication', 'Publication', '/admin/settings'],
  ['keys', 'API keys', '/admin/settings/keys'],
  ['editors', 'Editors', '/admin/settings/editors'],
] as const;

/** The settings section's pages, so each is one link from the others. */
export function SettingsNav(props: { current: (typeof PAGES)[number][0] }) {
  return (
    <nav aria-label="Settings" class="settings-nav">
      <ul>
        {PAGES.map(([id, label, href]) => (
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
