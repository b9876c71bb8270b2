import { parseKeyring, SecretBox } from '#auth-crypto';
import { TEST_ENCRYPTION_KEYS, type TestApp } from './app.js';

/** The test servers' SecretBox: outbox content is sealed with it. */
const box = new SecretBox(parseKeyring(TEST_ENCRYPTION_KEYS));

export interface OutboxMail {
  to: string;
  subjectType: string;
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
}

/** The emails in the outbox to `to`, newest first, opened (whatever their delivery state). */
export async function mailsTo(t: TestApp, to: string): Promise<OutboxMail[]> {
  const rows = await t.sql<{
    to_address: string;
    subject_type: string;
    content: string;
    created_at: Date;
  }>(
    `SELECT to_address, subject_type, content, created_at FROM outbox_messages
      WHERE lower(to_address) = lower($1) ORDER BY created_at DESC, id DESC`,
    [to],
  );
  return rows.map((r) => {
    const content = JSON.parse(box.open(r.content, 'outbox').toString('utf8')) as {
      subject: string;
      text: string;
      html: string;
    };
    return { to: r.to_address, subjectType: r.subject_type, createdAt: r.created_at, ...content };
  });
}

/** The token of the newest link to `path` (e.g. /verify-email) emailed to `to`. */
export async function linkTokenFor(t: TestApp, to: string, path: string): Promise<string> {
  for (const mail of await mailsTo(t, to)) {
    const match = new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
    if (match) return match[1] as string;
  }
  throw new Error(`no email to ${to} with a ${path} link`);
}
