// The one Workers-only module the Worker entry imports, typed here as the shape our SMTP client is
// written against (mail/socket-connector.ts), so that the project's types stay Node's.
declare module 'cloudflare:sockets' {
  export const connect: import('../mail/socket-connector.js').SocketConnector;
}
