import { createDkimSigner, type DkimSigner } from './dkim-sign.js';

/** The DKIM key and selector from the configuration (DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY). */
export interface DkimOptions {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

// nodemailer's default list omits List-Unsubscribe-Post; RFC 8058 requires it to be signed.
// From is oversigned: a second From added after signing breaks the signature.
export const DKIM_HEADERS = { headerFieldNames: 'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post:Feedback-ID'.split(':'), oversign: ['From'] };

/** The signer every transport uses: one header list and oversigning policy for all of them. */
export function createMessageSigner(dkim: DkimOptions): DkimSigner {
  return createDkimSigner({ ...dkim, ...DKIM_HEADERS });
}
