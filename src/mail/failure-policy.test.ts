import { describe, expect, it } from 'vitest';
import { classifySmtpFailure } from './failure-policy.js';

// Errors shaped as nodemailer throws them: the reply in `response`, its code in `responseCode`.
const refusal = (command: string, response: string) => ({ message: `Refused: ${response}`, command, response, responseCode: Number(response.slice(0, 3)) });

describe('classifySmtpFailure', () => {
  it.each([
    ['RCPT TO', '550 5.1.1 No such user', 'recipient'],
    ['RCPT TO', '550-5.1.1 The email account that you tried to reach does not exist.\n550 5.1.1 https://support', 'recipient'],
    ['RCPT TO', '550 5.2.1 Mailbox disabled', 'recipient'],
    ['RCPT TO', '550 No such user here', 'recipient'],
    ['RCPT TO', '551 User not local', 'recipient'],
    ['RCPT TO', '553 Mailbox name not allowed', 'recipient'],
    ['RCPT TO', '554 5.7.1 Relay access denied', 'sender'],
    ['RCPT TO', '550 5.7.1 Client host rejected: listed at a blocklist', 'sender'],
    ['RCPT TO', '554 Transaction failed', 'sender'],
    ['RCPT TO', '452 4.2.2 Mailbox full', 'transient'],
    ['RCPT TO', '552 5.2.2 Mailbox full', 'message'],
    ['MAIL FROM', '550 5.1.0 Sender rejected', 'sender'],
    ['AUTH PLAIN', '535 5.7.8 Authentication credentials invalid', 'sender'],
    ['DATA', '554 5.7.1 Message rejected as spam', 'sender'],
    ['DATA', '552 5.6.0 Headers too long', 'message'],
    ['DATA', '451 4.3.0 Try again later', 'transient'],
  ])('%s answered %j is %s', (command, response, kind) => {
    expect(classifySmtpFailure(refusal(command, response), false).kind).toBe(kind);
  });

  it('keeps the enhanced code for the circuit breaker', () => {
    expect(classifySmtpFailure(refusal('RCPT TO', '554 5.7.1 Relay access denied'), false).signature).toBe('554 5.7.1');
  });

  it('a lost connection is unknown only once the whole message was handed over', () => {
    const lost = { message: 'Connection closed unexpectedly', code: 'ECONNECTION', command: 'CONN' };
    expect(classifySmtpFailure(lost, true).kind).toBe('unknown');
    expect(classifySmtpFailure(lost, false).kind).toBe('transient');
    // An answer that did arrive decides, whatever was handed over.
    expect(classifySmtpFailure(refusal('DATA', '451 4.3.0 Try again later'), true).kind).toBe('transient');
  });
});
