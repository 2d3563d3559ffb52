import type { Tokens } from './tokens.js';

/** The personal links every mail to a subscriber carries. */
export function memberLinks(publicUrl: string, tokens: Tokens, subscriberId: number): { unsubscribe_url: string; preferences_url: string } {
  // Manage tokens never expire, so their issue time is fixed: one stable link per subscriber.
  const token = tokens.sign('manage', subscriberId, new Date(0));
  return { unsubscribe_url: `${publicUrl}/unsubscribe/${token}`, preferences_url: `${publicUrl}/preferences/${token}` };
}
