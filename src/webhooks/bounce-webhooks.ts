import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import { handleGenericWebhook, SIGNATURE_HEADER } from './generic-webhook.js';
import type { BounceOutcome } from './record-bounce.js';
import { handleSesWebhook, type SesOutcome } from './ses-webhook.js';
import { createSnsCertificates } from './sns-certificates.js';

export const BOUNCE_PROVIDERS = ['ses', 'generic'] as const;

export type WebhookOutcome = BounceOutcome | SesOutcome;

/** Receives bounce and complaint notifications; one instance keeps the SNS certificate cache. */
export function createBounceWebhooks(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'logger' | 'fetch'>) {
  // deps.fetch is read per call, so a test can swap the fetcher after the app is built.
  const certificates = createSnsCertificates(() => deps.fetch ?? fetch, deps.clock);
  return {
    async receive(provider: string, body: string, header: (name: string) => string | undefined): Promise<WebhookOutcome> {
      if (provider === 'ses') return handleSesWebhook(deps, certificates, body);
      if (provider === 'generic') return handleGenericWebhook(deps, body, header(SIGNATURE_HEADER));
      throw new NotFound(`No bounce webhook for provider "${provider}"; use one of ${BOUNCE_PROVIDERS.join(', ')}`);
    },
  };
}
