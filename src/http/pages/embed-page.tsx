import { raw } from 'hono/html';
import type { Settings } from '../../settings/settings.js';
import { Page } from './page.js';
import { SubscribeForm } from './subscribe-form.js';

/** The subscribe form with inline styles, as it is pasted into someone else's page. */
function EmbedSnippet(props: { publication: Settings }) {
  const { publication } = props;
  return (
    <div>
      <p style="margin:0 0 8px;font-weight:bold">Subscribe to {publication.name}</p>
      <p style="margin:0 0 12px">{publication.description}</p>
      <SubscribeForm action={`${publication.public_url}/api/subscribe`} source="embed" inlineStyles />
    </div>
  );
}

/**
 * GET /embed: the snippet to paste into a blog's footer, as code to copy, above the form it
 * gives. A whole document (a fragment would render in quirks mode), and embeddable in a frame.
 */
export async function EmbedPage(props: { publication: Settings }) {
  const snippet = `<!-- Broadsheet subscribe form: paste into your blog's footer -->\n${String(await (<EmbedSnippet publication={props.publication} />))}\n`;
  return (
    <Page title={`Subscribe form for your site – ${props.publication.name}`} lang={props.publication.language}>
      <h1>Subscribe form for your site</h1>
      <p>Paste this HTML into your blog's footer or sidebar:</p>
      <pre class="card" style="white-space:pre-wrap;overflow-wrap:anywhere">
        <code>{snippet}</code>
      </pre>
      <h2>What readers will see</h2>
      <div class="card">{raw(snippet)}</div>
    </Page>
  );
}
