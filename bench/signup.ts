/**
 * Sign-up as a benchmark needs it: POST /auth/signup, the verification link read from the
 * outbox (GET /api/v1/outbox, as the operator reads it without SMTP), then verify-email, whose
 * session is the signed-in person.
 */
export async function signUp(
  base: string,
  operatorKey: string,
  body: { email: string; password: string; displayName: string },
): Promise<{ accessToken: string; refreshToken: string }> {
  const post = (path: string, payload: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  const signup = await post('/api/v1/auth/signup', body);
  if (signup.status !== 202) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const outbox = (await (
    await fetch(`${base}/api/v1/outbox`, { headers: { authorization: `Bearer ${operatorKey}` } })
  ).json()) as { data: { to: string; text: string }[] };
  const mail = outbox.data.find((m) => m.to === body.email && m.text.includes('/verify-email?'));
  const token = /token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
  if (!token) throw new Error(`no verification email to ${body.email} in the outbox`);
  const verified = await post('/api/v1/auth/verify-email', { token });
  if (verified.status !== 200)
    throw new Error(`verify-email: ${verified.status} ${await verified.text()}`);
  return ((await verified.json()) as { signedIn: { accessToken: string; refreshToken: string } })
    .signedIn;
}
