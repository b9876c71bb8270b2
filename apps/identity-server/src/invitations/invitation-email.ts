/** The invitation email, in plain text and HTML, naming organization, inviter, role and expiry. */
export function invitationEmail(input: {
  tenantName: string;
  inviterName: string;
  role: string;
  expiresAt: Date;
  url: string;
}): {
  subject: string;
  text: string;
  html: string;
} {
  const expires = input.expiresAt.toUTCString();
  const subject = `${input.inviterName} invited you to join ${input.tenantName}`;
  const text = [
    `${input.inviterName} invited you to join ${input.tenantName} as ${input.role}.`,
    '',
    `Accept the invitation: ${input.url}`,
    '',
    `The link works once and expires on ${expires}.`,
    'If you did not expect this invitation, you can ignore this email.',
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>${e(input.inviterName)} invited you to join <strong>${e(input.tenantName)}</strong> as <strong>${e(input.role)}</strong>.</p>
<p><a href="${e(input.url)}">Accept the invitation</a></p>
<p>The link works once and expires on ${e(expires)}.</p>
<p style="color:#666">If you did not expect this invitation, you can ignore this email.</p>
</body></html>`;
  return { subject, text, html };
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
