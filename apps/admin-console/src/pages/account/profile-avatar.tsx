import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { Section } from '../../components/section.js';
import { UserAvatar } from '../../components/user-avatar.js';
import { t } from '../../i18n/i18n.js';
import { readableDescription } from './password-problem.js';

type Profile = components['schemas']['ProfileDto'];

/** Mantine's error red (red.6) on white fails WCAG AA contrast for the message and the text. */
const readable = {
  ...readableDescription,
  error: { color: 'var(--mantine-color-red-9)' },
  input: { color: 'var(--mantine-color-text)' },
};

/** The refusal of an avatarUrl (not https, too long), shown at the field. */
function fieldProblem(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  return error.problem.errors?.find((e) => e.field === 'avatarUrl')?.message ?? null;
}

/**
 * The avatar: an https URL of a picture (the server stores the URL, not the picture), shown here
 * and in the header, the initials when there is none; Remove clears it.
 */
export function AvatarSection({ profile }: { profile: Profile }) {
  const queries = useQueryClient();
  const [url, setUrl] = useState(profile.avatarUrl ?? '');
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (avatarUrl: string | null) =>
      call(() => api.PATCH('/api/v1/me', { body: { avatarUrl } })),
    onSuccess: (next) => {
      queries.setQueryData(['me'], next);
      setUrl(next.avatarUrl ?? '');
      setSaved(true);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    save.mutate(url.trim() === '' ? null : url.trim());
  }
  function remove() {
    setSaved(false);
    save.mutate(null);
  }
  const atField = fieldProblem(save.error);
  return (
    <Section title={t('avatar.title')}>
      <Group gap="md" align="center">
        <UserAvatar profile={profile} alt={t('avatar.alt')} size="lg" />
        <Text size="sm">{profile.avatarUrl ? t('avatar.help') : t('avatar.none')}</Text>
      </Group>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            label={t('avatar.url')}
            description={t('avatar.urlHelp')}
            styles={readable}
            type="url"
            inputMode="url"
            placeholder="https://"
            value={url}
            error={atField}
            onChange={(e) => setUrl(e.currentTarget.value)}
          />
          {!atField && <ProblemAlert error={save.error} />}
          {saved && (
            <Text role="status" size="sm">
              {t('profile.saved')}
            </Text>
          )}
          <Group>
            <Button type="submit" loading={save.isPending && save.variables !== null}>
              {t('avatar.save')}
            </Button>
            {profile.avatarUrl && (
              <Button
                variant="default"
                loading={save.isPending && save.variables === null}
                onClick={remove}
              >
                {t('avatar.remove')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
