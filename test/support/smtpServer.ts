/** A real SMTP server (smtp-server) on a free local port that parses (mailparser) and keeps every mail it receives. */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  from: string;
  raw: Buffer;
  parsed: ParsedMail;
  /** A header by lower-case name, as text. */
  header(name: string): string | undefined;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Mails whose envelope goes to this address. */
  to(address: string): ReceivedMail[];
  /** Makes the server answer DATA with this SMTP code (e.g. 451 temporary, 550 permanent); undefined accepts again. */
  failWith(code?: number): void;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let failure: number | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failure) {
          const err = Object.assign(new Error(failure >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: failure });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            received.push({
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              raw,
              parsed,
              header(name) {
                const value = parsed.headers.get(name.toLowerCase());
                if (value === undefined) return undefined;
                return typeof value === 'string' ? value : JSON.stringify(value);
              },
            });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    to: (address) => received.filter((m) => m.to.includes(address.toLowerCase())),
    failWith(code) {
      failure = code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
