/** The emails about an account's address and password, in plain text and HTML (escaped). */

export interface Email {
  subject: string;
  text: string;
  html: string;
}

/** Finish a sign-up: the link creates the account. */
export function signupEmail(input: { displayName: string; url: string; expiresAt: Date }): Email {
  return linkEmail({
    subject: 'Finish creating your account',
    greeting: input.displayName,
    lead: 'Someone (we hope you) asked to create an account with this email address.',
    action: 'Confirm your email address and sign in',
    url: input.url,
    expiresAt: input.expiresAt,
    ignore: 'If you did not ask for an account, you can ignore this email: none is created.',
  });
}

/** A sign-up with an address that already has an account: tell its owner, change nothing. */
export function signupAttemptEmail(input: { displayName: string; url: string }): Email {
  const subject = 'Someone tried to create an account with your email address';
  const text = [
    `Hello ${input.displayName},`,
    '',
    'Someone tried to create an account with this email address, which already has one.',
    `If it was you, sign in, or reset your password at ${input.url}`,
    '',
    'If it was not you, you can ignore this email: nothing about your account changed.',
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Hello ${e(input.displayName)},</p>
<p>Someone tried to create an account with this email address, which already has one.</p>
<p>If it was you, sign in, or <a href="${e(input.url)}">reset your password</a>.</p>
<p style="color:#666">If it was not you, you can ignore this email: nothing about your account changed.</p>
</body></html>`;
  return { subject, text, html };
}

/** Confirm the address of an existing account. */
export function verifyEmailEmail(input: {
  displayName: string;
  url: string;
  expiresAt: Date;
}): Email {
  return linkEmail({
    subject: 'Confirm your email address',
    greeting: input.displayName,
    lead: 'Confirm that this email address is yours.',
    action: 'Confirm your email address',
    url: input.url,
    expiresAt: input.expiresAt,
    ignore: 'If you did not ask for this, you can ignore this email.',
  });
}

/** A password reset link. */
export function passwordResetEmail(input: {
  displayName: string;
  url: string;
  expiresAt: Date;
}): Email {
  return linkEmail({
    subject: 'Reset your password',
    greeting: input.displayName,
    lead: 'Someone (we hope you) asked to reset the password of your account. Resetting it signs out every session.',
    action: 'Choose a new password',
    url: input.url,
    expiresAt: input.expiresAt,
    ignore: 'If you did not ask for this, you can ignore this email: your password stays as it is.',
  });
}

function linkEmail(input: {
  subject: string;
  greeting: string;
  lead: string;
  action: string;
  url: string;
  expiresAt: Date;
  ignore: string;
}): Email {
  const expires = input.expiresAt.toUTCString();
  const text = [
    `Hello ${input.greeting},`,
    '',
    input.lead,
    '',
    `${input.action}: ${input.url}`,
    '',
    `The link works once and expires on ${expires}.`,
    input.ignore,
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Hello ${e(input.greeting)},</p>
<p>${e(input.lead)}</p>
<p><a href="${e(input.url)}">${e(input.action)}</a></p>
<p>The link works once and expires on ${e(expires)}.</p>
<p style="color:#666">${e(input.ignore)}</p>
</body></html>`;
  return { subject: input.subject, text, html };
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
