/** The operator's pages (the local mail outbox) and the hints that point to them. */
export const enOperator = {
  'outbox.title': 'Mail outbox',
  'outbox.intro':
    'This server has no mail server configured (SMTP_URL), so its emails wait here instead of being sent. Only the platform operator may read them.',
  'outbox.key': 'Operator key',
  'outbox.keyHelp':
    'Printed once by the server\u2019s first start (the log line \u201cgenerated the platform operator key\u201d), or the PLATFORM_API_KEY you set. It stays in this tab\u2019s memory only.',
  'outbox.open': 'Open the outbox',
  'outbox.refresh': 'Refresh',
  'outbox.forget': 'Forget the key',
  'outbox.empty': 'No email yet.',
  'outbox.list': 'Emails, newest first',
  'outbox.to': 'To {to}',
  'outbox.status.local': 'Kept here (no SMTP)',
  'outbox.status.pending': 'Waiting to be sent',
  'outbox.status.sent': 'Sent',
  'outbox.status.failed': 'Not delivered',
  'outbox.smtpConfigured':
    'This server sends email over SMTP: the list shows the recent messages and their delivery.',
  'mail.outboxHintTitle': 'This server sends no email yet',
  'mail.outboxHint':
    'No mail server is configured (SMTP_URL), so the message waits in the local outbox. The operator can open it there with the operator key the server printed when it first started.',
  'mail.outboxLink': 'Open the mail outbox',
  'notFound.title': 'Page not found',
  'notFound.text':
    'There is no page at this address. It may have moved, or the link is incomplete.',
  'notFound.home': 'Go to your organizations',
} as const;
