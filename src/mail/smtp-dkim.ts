import { pipeline, Transform, type Readable } from 'node:stream';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { DkimSigner } from './dkim-sign.js';

/**
 * A nodemailer `stream` plugin that DKIM-signs every message, built or raw. Ours rather than
 * nodemailer's signer because that one lists each header name at most once in `h=`, so it
 * cannot oversign From.
 */
export function dkimPlugin(signMessage: DkimSigner): Mail.PluginFunction {
  return (mail, done) => {
    mail.message.processFunc((input: Readable) => pipeline(input, signingStream(signMessage), () => {}));
    done();
  };
}

// The signature covers the whole message, so it is collected first (as nodemailer's signer does).
// nodemailer encodes what it is given (raw strings, built parts) as UTF-8, so decoding as UTF-8
// gives back the very text the signer expects.
function signingStream(signMessage: DkimSigner): Transform {
  const chunks: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
    flush(callback) {
      signMessage(Buffer.concat(chunks).toString('utf8')).then(
        (signed) => callback(null, Buffer.from(signed, 'utf8')),
        (error: Error) => callback(error),
      );
    },
  });
}
