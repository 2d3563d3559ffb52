import type { Child } from 'hono/jsx';
import { Page } from './page.js';

/** A page that says one thing: errors, "check your inbox", "you are unsubscribed". */
export function MessagePage(props: { title: string; message: string; children?: Child }) {
  return (
    <Page title={props.title}>
      <div class="card">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.children}
      </div>
    </Page>
  );
}
