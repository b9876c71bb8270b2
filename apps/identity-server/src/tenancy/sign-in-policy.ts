const PROVIDER_NAMES: Record<string, string> = {
  google: 'Google',
  microsoft: 'Microsoft',
  oidc: "the organization's own identity provider",
  password: 'a password',
};

/**
 * The tenant's sign-in policy: the way this session signed in must be one the tenant allows
 * (a personal API key is no sign-in), from an allowed Entra directory, and an OIDC sign-in must
 * be through one of this tenant's own connections. True, or why not.
 */
export function signInSatisfies(
  tenantId: string,
  user: { signInMethod: string | null; signInDirectory: string | null },
  policy: { allowedIdentityProviders: readonly string[]; allowedEntraTenantIds: readonly string[] },
): true | string {
  const allowed = policy.allowedIdentityProviders;
  if (allowed.includes('any')) return true;
  const names = allowed.map((p: string) => PROVIDER_NAMES[p] ?? p).join(' or ');
  const method = user.signInMethod;
  const ok =
    method !== null &&
    allowed.includes(method) &&
    (method !== 'microsoft' ||
      policy.allowedEntraTenantIds.length === 0 ||
      (user.signInDirectory !== null &&
        policy.allowedEntraTenantIds.includes(user.signInDirectory))) &&
    (method !== 'oidc' || user.signInDirectory === tenantId);
  if (ok) return true;
  if (method === 'microsoft' && allowed.includes('microsoft'))
    return 'This organization accepts Microsoft accounts from its own Entra ID directories only: sign in with your work account';
  return `This organization requires signing in with ${names}: sign out and sign in that way`;
}
