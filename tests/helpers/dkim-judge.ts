import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';

interface DkimResult {
  status: { result: string; comment?: string };
}
type DkimVerify = (message: string | Buffer, options: { resolver: (name: string, type: string) => Promise<string[][]> }) => Promise<{ results: DkimResult[] }>;

// mailauth (a DKIM verifier we did not write) ships CommonJS without types.
const { dkimVerify } = createRequire(import.meta.url)('mailauth/lib/dkim/verify') as { dkimVerify: DkimVerify };

/** A fresh RSA key pair for one DKIM selector, with the env that makes Broadsheet sign with it. */
export function dkimKey(domain = 'example.com', selector = 'test') {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const record = `v=DKIM1; k=rsa; p=${publicKey.toString('base64')}`;
  return {
    env: { DKIM_DOMAIN: domain, DKIM_SELECTOR: selector, DKIM_PRIVATE_KEY: privateKey },
    /** Verifies `raw` with mailauth, answering its DNS question with this key's TXT record only. */
    async verify(raw: string | Buffer): Promise<DkimResult[]> {
      const resolver = async (name: string, type: string) => {
        if (type === 'TXT' && name === `${selector}._domainkey.${domain}`) return [[record]];
        throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
      };
      return (await dkimVerify(raw, { resolver })).results;
    },
  };
}
