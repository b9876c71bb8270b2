import { Button, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { t } from '../i18n/i18n.js';

/** The second step of a sign-in: the code from the authenticator app. */
export function TotpForm({ onCode, busy }: { onCode: (code: string) => void; busy?: boolean }) {
  const [code, setCode] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onCode(code);
  };
  return (
    <form onSubmit={submit} aria-label={t('signIn.totpTitle')}>
      <Stack gap="sm">
        <Text size="sm">{t('signIn.totpHelp')}</Text>
        <TextInput
          label={t('signIn.totp')}
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          autoFocus
          value={code}
          onChange={(e) => setCode(e.currentTarget.value.trim())}
        />
        <Button type="submit" loading={busy}>
          {t('signIn.verify')}
        </Button>
      </Stack>
    </form>
  );
}
