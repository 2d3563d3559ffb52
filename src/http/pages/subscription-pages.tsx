import type { Membership } from '../../subscriptions/manage.js';
import { MessagePage } from './message-page.js';
import { Page } from './page.js';
import { SubscribeForm } from './subscribe-form.js';

export interface Publication {
  name: string;
  description: string;
  language: string;
}

export function SubscribePage(props: { publication: Publication; action: string; email?: string; error?: string }) {
  return (
    <Page title={`Subscribe to ${props.publication.name}`} lang={props.publication.language}>
      <div class="card">
        <p class="muted">Discover more from {props.publication.name}</p>
        <h1>{props.publication.name}</h1>
        <p>{props.publication.description}</p>
        <SubscribeForm action={props.action} source="form" email={props.email} error={props.error} />
        <p class="muted">We will send you one email to confirm. You can unsubscribe at any time.</p>
      </div>
    </Page>
  );
}

export function CheckInboxPage() {
  return (
    <MessagePage
      title="Check your inbox"
      message="We have sent you an email with a link to confirm your subscription. Open it to finish subscribing. If nothing arrives in a few minutes, look in your spam folder."
    />
  );
}

export function ConfirmPage(props: { publication: Publication; action: string }) {
  return (
    <MessagePage title={`Confirm your subscription to ${props.publication.name}`} message="One more step: press the button to start receiving new posts by email.">
      <form method="post" action={props.action}>
        <button type="submit">Confirm my subscription</button>
      </form>
    </MessagePage>
  );
}

export function ConfirmedPage(props: { publication: Publication; already: boolean; archiveUrl: string }) {
  return (
    <MessagePage
      title={props.already ? 'You are already subscribed' : 'You are subscribed'}
      message={`Thank you. New posts from ${props.publication.name} will arrive in your inbox.`}
    >
      <p>
        <a href={props.archiveUrl}>Read the latest posts</a>
      </p>
    </MessagePage>
  );
}

export function UnsubscribePage(props: { publication: Publication; member: Membership; action: string; preferencesUrl: string }) {
  const subscribed = props.member.status === 'active' || props.member.status === 'pending';
  return subscribed ? (
    <MessagePage title={`Unsubscribe from ${props.publication.name}`} message={`Stop sending posts to ${props.member.email}?`}>
      <form method="post" action={props.action}>
        <button type="submit">Unsubscribe</button>
      </form>
      <p class="muted">
        Or <a href={props.preferencesUrl}>manage your subscription</a>.
      </p>
    </MessagePage>
  ) : (
    <UnsubscribedPage publication={props.publication} member={props.member} preferencesUrl={props.preferencesUrl} />
  );
}

export function UnsubscribedPage(props: { publication: Publication; member: Membership; preferencesUrl: string }) {
  return (
    <MessagePage title="You are unsubscribed" message={`${props.member.email} will no longer receive posts from ${props.publication.name}.`}>
      <p class="muted">
        Changed your mind? <a href={props.preferencesUrl}>Subscribe again</a>.
      </p>
    </MessagePage>
  );
}

const NOTICES: Record<string, string> = {
  saved: 'Your details are saved.',
  unsubscribed: 'You are unsubscribed. You will receive no more posts.',
  already_subscribed: 'You are subscribed.',
  confirmation_queued: 'Check your inbox: we have sent you an email with a link to confirm that you want to subscribe again. Nothing changes until you open it.',
};

export function PreferencesPage(props: { publication: Publication; member: Membership; action: string; notice?: string }) {
  const { member } = props;
  const subscribed = member.status === 'active';
  return (
    <Page title={`Your subscription to ${props.publication.name}`} lang={props.publication.language}>
      <div class="card">
        <h1>Your subscription</h1>
        {props.notice ? <p role="status">{NOTICES[props.notice] ?? ''}</p> : null}
        <p>
          {member.email} · <strong>{subscribed ? 'subscribed' : member.status === 'pending' ? 'waiting for confirmation' : 'not subscribed'}</strong>
        </p>
        <form class="stack" method="post" action={props.action}>
          <label>
            Your name
            <br />
            <input type="text" name="name" maxlength={100} value={member.name ?? ''} autocomplete="name" />
          </label>
          <div class="row">
            <button type="submit" name="action" value="save">
              Save
            </button>
            {subscribed || member.status === 'pending' ? (
              <button type="submit" name="action" value="leave" class="secondary">
                Unsubscribe
              </button>
            ) : (
              <button type="submit" name="action" value="resubscribe" class="secondary">
                Subscribe again
              </button>
            )}
          </div>
        </form>
      </div>
    </Page>
  );
}
