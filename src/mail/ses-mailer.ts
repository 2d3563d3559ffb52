import { signAwsRequest } from './aws-sigv4.js';
import { bytesToBase64 } from './base64.js';
import { createMessageSigner, type DkimOptions } from './dkim-policy.js';
import { MailError, type FailureKind, type Mailer } from './mailer.js';
import { parseSesUrl } from './ses-url.js';

export interface SesOptions {
  /** SES_URL, see ses-url.ts. */
  url: string;
  dkim?: DkimOptions | undefined;
  fetch?: typeof fetch;
  now?: () => Date;
  timeoutMs?: number;
}

const utf8 = new TextEncoder();

/**
 * Sends through the Amazon SES v2 API (SendEmail with raw content) over fetch, for providers
 * or runtimes without SMTP. The message goes as built, DKIM-signed first when configured.
 */
export function createSesMailer({ url, dkim, fetch: fetchImpl = fetch, now = () => new Date(), timeoutMs = 60_000 }: SesOptions): Mailer {
  const target = parseSesUrl(url);
  const sign = dkim ? createMessageSigner(dkim) : undefined;
  const endpoint = `${target.endpoint}/v2/email/outbound-emails`;
  return {
    async sendRaw(envelope, raw) {
      // The signer ends lines with CRLF; an unsigned message is given the same delivered form.
      const message = sign ? await sign(raw) : raw.replace(/\r\n|\r|\n/g, '\r\n');
      const body = JSON.stringify({
        FromEmailAddress: envelope.from,
        Destination: { ToAddresses: [envelope.to] },
        Content: { Raw: { Data: bytesToBase64(utf8.encode(message)) } },
      });
      const request = { method: 'POST', url: endpoint, headers: { 'content-type': 'application/json' }, body };
      const headers = await signAwsRequest(request, target.credentials, { region: target.region, service: 'ses' }, now());
      let response: Response;
      try {
        response = await fetchImpl(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new MailError(`SES: ${describe(error)}`, failedBeforeSending(error) ? 'transient' : 'unknown');
      }
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      throw await refusal(response);
    },
    async close() {},
  };
}

/** An HTTP answer other than 2xx, by the error type AWS names in `x-amzn-ErrorType` or the body. */
async function refusal(response: Response): Promise<MailError> {
  const text = await response.text().catch(() => '');
  let body: { message?: string; Message?: string; __type?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {}
  // "MessageRejected:http://internal.amazon.com/..." or "com.amazonaws...#MessageRejected".
  const type = (response.headers.get('x-amzn-errortype') ?? body.__type ?? '').split(':')[0]!.split('#').pop()!;
  const detail = body.message ?? body.Message ?? text.slice(0, 200);
  return new MailError(`SES ${response.status} ${type || response.statusText}: ${detail}`.trim(), refusalKind(response.status, type), response.status);
}

const OURS = new Set(['SendingPausedException', 'AccountSendingPausedException', 'AccountSuspendedException', 'MailFromDomainNotVerifiedException', 'NotFoundException']);
const LATER = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'LimitExceededException']);

function refusalKind(status: number, type: string): FailureKind {
  if (status === 429 || status >= 500 || LATER.has(type)) return 'transient';
  // Sending paused or suspended, an unverified MAIL FROM domain, bad or missing credentials.
  if (OURS.has(type) || status === 401 || status === 403) return 'sender';
  // MessageRejected, BadRequestException: this message will never be taken.
  if (status === 400) return 'message';
  return 'sender';
}

/**
 * Whether fetch failed before any of the request could have reached SES: no name, nothing
 * listening, no route, a bad certificate. Node says so in the cause's code; any other failure,
 * a timeout or a connection lost while waiting for the answer, may have sent the mail. Workers
 * give no codes, so there every lost request counts as possibly sent and is never resent.
 */
function failedBeforeSending(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|UND_ERR_CONNECT_TIMEOUT)$|CERT|TLS|SSL/.test(code);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause instanceof Error ? `${message} (${cause.message})` : message;
}
