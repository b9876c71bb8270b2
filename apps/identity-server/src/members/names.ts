/** A non-blank trimmed string, or undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The name shown for a member: their display name, or while it is unassigned (a SCIM user
 * without one) the formatted name, the given and family names, or the username.
 */
export function shownName(member: {
  displayName: string | null;
  username: string;
  scim?: object;
}): string {
  if (member.displayName) return member.displayName;
  const name = ((member.scim ?? {}) as { name?: Record<string, unknown> }).name ?? {};
  return (
    text(name.formatted) ??
    text([text(name.givenName), text(name.familyName)].filter(Boolean).join(' ')) ??
    member.username
  ).slice(0, 200);
}
