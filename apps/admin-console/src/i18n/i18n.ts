import { en, type MessageKey } from './en.js';

/** The one translation layer: `t('signIn.with', { name: 'Google' })`. English is shipped. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return en[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
