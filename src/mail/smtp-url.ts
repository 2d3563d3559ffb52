/** Where and how to reach the SMTP server, read from SMTP_URL the way nodemailer reads it. */
export interface SmtpTarget {
  hostname: string;
  port: number;
  /** smtps:// speaks TLS from the first byte; smtp:// upgrades with STARTTLS when it is offered. */
  implicitTls: boolean;
  auth: { user: string; pass: string } | undefined;
}

export function parseSmtpUrl(url: string): SmtpTarget {
  const parsed = new URL(url);
  const implicitTls = parsed.protocol === 'smtps:';
  if (!implicitTls && parsed.protocol !== 'smtp:') throw new Error(`SMTP_URL must be smtp:// or smtps://, not ${parsed.protocol}`);
  return {
    // URL keeps the brackets of an IPv6 literal; a socket address has none.
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : implicitTls ? 465 : 587,
    implicitTls,
    auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
  };
}
