import { pipeline, Transform, type Readable } from 'node:stream';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { createDkimSigner, type DkimSigningOptions } from './dkim-sign.js';

/**
 * A nodemailer `stream` plugin that DKIM-signs every message, built or raw. Ours rather than
 * nodemailer's signer because that one lists each header name at most once in `h=`, so it
 * cannot oversign From.
 */
export function dkimPlugin(options: DkimSigningOptions): Mail.PluginFunction {
  const signMessage = createDkimSigner(options);
  return (mail, done) => {
    mail.message.processFunc((input: Readable) => pipeline(input, signingStream(signMessage), () => {}));
    done();
  };
}

// The signature covers the whole message, so it is collected first (as nodemailer's signer does).
function signingStream(signMessage: (message: Buffer) => Buffer): Transform {
  const chunks: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
    flush(callback) {
      try {
        callback(null, signMessage(Buffer.concat(chunks)));
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
