/** RFC 8058: the body mailbox providers POST to unsubscribe with one click. */
export const ONE_CLICK = 'List-Unsubscribe=One-Click';

/** The RFC 2369 List-Unsubscribe value: the personal HTTPS link, plus a mailto where configured. */
export function listUnsubscribeValue(unsubscribeUrl: string, mailto?: string): string {
  return mailto ? `<${unsubscribeUrl}>, <mailto:${mailto}?subject=unsubscribe>` : `<${unsubscribeUrl}>`;
}

/**
 * Headers that let mailbox providers show an unsubscribe button which works with one POST,
 * without the reader opening any page.
 */
export function listUnsubscribeHeaders(unsubscribeUrl: string, mailto?: string): Record<string, string> {
  return { 'List-Unsubscribe': listUnsubscribeValue(unsubscribeUrl, mailto), 'List-Unsubscribe-Post': ONE_CLICK };
}

/** The publication's domain for Message-IDs and List-Id: the sender address's domain. */
export function mailDomainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
