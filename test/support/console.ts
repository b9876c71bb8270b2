import type { Browser, Page } from 'playwright-core';
import { newPage } from './browser.js';
import type { SignedUp } from './users.js';

/**
 * A browser signed in as `person` through the sign-in page, landed on `path` (the console sends
 * the person back there after signing in).
 */
export async function signedIn(
  browser: Browser,
  baseUrl: string,
  person: Pick<SignedUp, 'email' | 'password'>,
  path: string,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const { context, page } = await newPage(browser, baseUrl);
  await page.goto(path);
  await page.waitForURL(/\/sign-in\?next=/);
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(person.email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === path.split('?')[0]);
  return { page, close: () => context.close() };
}

/** The table row that shows `text` (an email, a username). */
export function rowWith(page: Page, text: string) {
  return page.getByRole('row').filter({ hasText: text });
}

/** Polls until `check` holds (the API caught up with a click), or fails with its last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** Waits until the locator matches `n` elements; answers how many it last matched. */
export async function countOf(locator: { count(): Promise<number> }, n: number): Promise<number> {
  return eventually(
    () => locator.count(),
    (c) => c === n,
  );
}
