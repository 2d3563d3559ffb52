/**
 * A TCP connection as Cloudflare's `connect()` from `cloudflare:sockets` gives one. Declared here
 * so that the SMTP client imports nothing Workers-only: the Workers entry passes `connect`, tests
 * pass an adapter over node:net and node:tls.
 */
export interface ConnectedSocket {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  opened: Promise<unknown>;
  closed: Promise<unknown>;
  close(): Promise<void>;
  /** Only on a socket opened with `secureTransport: 'starttls'`; this socket is unusable after it. */
  startTls(): ConnectedSocket;
}

export interface SocketOptions {
  secureTransport: 'off' | 'on' | 'starttls';
  allowHalfOpen: boolean;
}

export type SocketConnector = (address: { hostname: string; port: number }, options: SocketOptions) => ConnectedSocket;
