/** The settings section: its two-page navigation, the grouped form, and the new key's box. */
export const SETTINGS_CSS = `
.settings-nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;list-style:none;margin:0 0 1rem;padding:0;border-bottom:1px solid var(--line)}
.settings-nav a{display:inline-block;padding:.4rem 0;text-decoration:none;color:var(--fg)}
.settings-nav a[aria-current=page]{font-weight:700;border-bottom:2px solid var(--accent)}
fieldset.card{display:flex;flex-direction:column;gap:.75rem;min-width:0}
fieldset.card legend{font-weight:700;padding:0 .25rem}
.field .hint{margin:0 0 .25rem;font-size:.9rem}
.field .error{margin:.25rem 0 0;font-weight:600}
.field input[aria-invalid=true]{border-color:var(--error)}
.new-key input{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
.new-key .field{display:flex;flex-wrap:wrap;gap:.5rem}.new-key .field>*{flex:1 1 100%}.new-key .field>button{flex:0 0 auto}
`;
