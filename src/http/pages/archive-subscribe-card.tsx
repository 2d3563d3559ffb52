import type { Settings } from '../../settings/settings.js';
import { SubscribeForm } from './subscribe-form.js';

/** The invitation under a post and at the end of the archive. */
export function ArchiveSubscribeCard(props: { publication: Settings; source: string }) {
  return (
    <aside class="card" aria-labelledby="subscribe-heading">
      <h2 id="subscribe-heading">Subscribe to {props.publication.name}</h2>
      <p>{props.publication.description}</p>
      <SubscribeForm action="/api/subscribe" source={props.source} />
      <p class="muted">We will send you one email to confirm. You can unsubscribe at any time.</p>
    </aside>
  );
}
