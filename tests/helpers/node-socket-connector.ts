import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectedSocket, SocketConnector } from '../../src/mail/socket-connector.js';

/**
 * The cloudflare:sockets `connect()` over node:net and node:tls, so the Workers SMTP client runs
 * against a real server in Node. `ca` is the certificate to trust (workerd trusts a test CA only
 * through NODE_EXTRA_CA_CERTS; it has no rejectUnauthorized: false, so neither has this).
 */
export function nodeSocketConnector(options: { ca?: string } = {}): SocketConnector {
  // SNI takes host names only; certificates for 127.0.0.1 are checked by their IP SAN.
  const tlsOptions = (hostname: string) => ({ host: hostname, ca: options.ca, ...(/^[\d.]+$|:/.test(hostname) ? {} : { servername: hostname }) });
  return ({ hostname, port }, { secureTransport }) => {
    if (secureTransport === 'on') return webSocket(tlsConnect({ ...tlsOptions(hostname), port }), 'secureConnect');
    const plain = netConnect(port, hostname);
    const upgrade = () => webSocket(tlsConnect({ ...tlsOptions(hostname), socket: plain }), 'secureConnect');
    return webSocket(plain, 'connect', secureTransport === 'starttls' ? upgrade : undefined);
  };
}

function webSocket(socket: Socket, readyEvent: string, upgrade?: () => ConnectedSocket): ConnectedSocket {
  const opened = new Promise<void>((resolve, reject) => {
    socket.once(readyEvent, () => resolve());
    socket.once('error', reject);
  });
  opened.catch(() => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let detach = () => {};
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      const onData = (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk));
      // A stream already closed or errored refuses more; the first end of the socket wins.
      const end = () => {
        try {
          controller.close();
        } catch {}
      };
      const fail = (error: Error) => {
        try {
          controller.error(error);
        } catch {}
      };
      socket.on('data', onData).once('end', end).once('close', end).once('error', fail);
      detach = () => socket.off('data', onData).off('end', end).off('close', end).off('error', fail);
    },
  });
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => new Promise<void>((resolve, reject) => socket.write(chunk, (error) => (error ? reject(error) : resolve()))),
    close: () => new Promise<void>((resolve) => socket.end(() => resolve())),
    abort: () => void socket.destroy(),
  });
  return {
    readable,
    writable,
    opened,
    closed,
    close: async () => {
      socket.destroy();
      await closed;
    },
    startTls() {
      if (!upgrade) throw new Error('startTls() needs a socket opened with secureTransport: "starttls"');
      // From here the TLS socket reads the connection; the plain streams must not see its bytes.
      detach();
      return upgrade();
    },
  };
}
