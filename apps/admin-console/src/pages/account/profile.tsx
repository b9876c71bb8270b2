import {
  Alert,
  Anchor,
  Badge,
  Button,
  Container,
  Group,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { Shell } from '../../components/shell.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { IdentitiesSection } from './profile-identities.js';
import { MfaSection, PasswordSection } from './profile-security.js';
import { HistorySection } from './profile-history.js';
import { SessionsSection } from './profile-sessions.js';
import { AvatarSection } from './profile-avatar.js';
import { NotificationsSection } from './profile-notifications.js';
import { ApiKeysSection } from './profile-api-keys.js';
import { useMe } from '../../components/user-avatar.js';
import { Section } from '../../components/section.js';

type Profile = components['schemas']['ProfileDto'];

function timeZones(current: string): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes(current) ? zones : [current, ...zones];
}

function DetailsSection({ profile }: { profile: Profile }) {
  const queries = useQueryClient();
  const [displayName, setDisplayName] = useState(profile.displayName);
  const [timezone, setTimezone] = useState(profile.timezone);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => call(() => api.PATCH('/api/v1/me', { body: { displayName, timezone } })),
    onSuccess: (next) => {
      queries.setQueryData(['me'], next);
      setSaved(true);
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    save.mutate();
  }
  return (
    <Section title={t('profile.details')}>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            label={t('profile.displayName')}
            autoComplete="name"
            required
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
          />
          <Select
            label={t('profile.timezone')}
            searchable
            allowDeselect={false}
            data={timeZones(profile.timezone)}
            value={timezone}
            onChange={(value) => value && setTimezone(value)}
            comboboxProps={{ withinPortal: true }}
          />
          <ProblemAlert error={save.error} />
          {saved && (
            <Text role="status" size="sm">
              {t('profile.saved')}
            </Text>
          )}
          <Group>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

function EmailSection({ profile }: { profile: Profile }) {
  const resend = useMutation({
    mutationFn: () => call(() => api.POST('/api/v1/me/email/verification')),
  });
  return (
    <Section title={t('profile.email')}>
      <Group gap="sm">
        <Text>{profile.email}</Text>
        {profile.emailVerified ? (
          <Badge color="teal.9" variant="filled">
            {t('profile.verified')}
          </Badge>
        ) : (
          <Badge color="dark" variant="outline">
            {t('profile.unverified')}
          </Badge>
        )}
      </Group>
      {!profile.emailVerified && (
        <>
          <Text size="sm">{t('profile.unverifiedHelp')}</Text>
          <ProblemAlert error={resend.error} />
          {resend.isSuccess ? (
            <Text role="status" size="sm">
              {t('profile.verificationSent', { email: profile.email })}
            </Text>
          ) : (
            <Group>
              <Button variant="default" loading={resend.isPending} onClick={() => resend.mutate()}>
                {t('profile.sendVerification')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Section>
  );
}

/** The SSO connect flow comes back here with ?linked=google, or ?error=…&error_description=…. */
function LinkOutcome() {
  const [params] = useSearchParams();
  const linked = params.get('linked');
  const refusal = params.get('error_description') ?? params.get('error');
  if (refusal)
    return (
      <ProblemAlert
        error={new ApiError(400, { detail: refusal, code: params.get('error') ?? '' })}
      />
    );
  if (linked)
    return (
      <Alert color="green" variant="light" role="status">
        {t('profile.linked', { provider: linked })}
      </Alert>
    );
  return null;
}

/** /profile: the signed-in person's own account. */
export function ProfilePage() {
  const me = useMe();
  return (
    <Shell
      nav={
        <Anchor component={Link} to="/profile" size="sm">
          {t('profile.nav')}
        </Anchor>
      }
    >
      <Container size="md">
        <Stack gap="lg">
          <Title order={1}>{t('profile.title')}</Title>
          <LinkOutcome />
          <ProblemAlert error={me.error} />
          {me.data && (
            <>
              <DetailsSection profile={me.data} />
              <AvatarSection profile={me.data} />
              <EmailSection profile={me.data} />
              <NotificationsSection profile={me.data} />
              <PasswordSection />
              <MfaSection profile={me.data} />
              <SessionsSection />
              <HistorySection />
              <IdentitiesSection />
              <ApiKeysSection />
            </>
          )}
        </Stack>
      </Container>
    </Shell>
  );
}
