/**
 * An SMTP capture like test/helpers/smtp.ts, for runs where senders die mid-conversation: a worker process
 * SIGKILLed while it hands over a message resets the connection, which smtp-server reports as an 'error'
 * event of the server (uncaught, without a listener, it would end the test process). Here such resets
 * are counted instead.
 */
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../services/embedded/temporalServer';
import type { CapturedMail } from '../helpers/smtp';

export interface ResilientSmtpCapture {
  url: string;
  messages: CapturedMail[];
  /** Connections that ended in an error (a sender killed mid-transaction). */
  resets: number;
  close(): Promise<void>;
}

export async function startResilientSmtpCapture(): Promise<ResilientSmtpCapture> {
  const capture: ResilientSmtpCapture = {
    url: '',
    messages: [],
    resets: 0,
    close: () => Promise.resolve(),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          capture.messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
          });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  server.on('error', () => {
    capture.resets += 1;
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  capture.url = `smtp://127.0.0.1:${port}`;
  capture.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return capture;
}
