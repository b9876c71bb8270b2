import {
  Anchor,
  Button,
  Collapse,
  Group,
  Modal,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client.js';
import { CopyValue } from '../../components/copy-value.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { hint } from './hint.js';
import { keys, formatDate, useRoles, type InvitationWithLink } from './queries.js';

type Provider = 'any' | 'google' | 'microsoft';

/** "alice.smith@example.com" → "alice.smith": a username the server accepts. */
export function usernameFrom(email: string): string {
  return (email.split('@')[0] ?? '').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 100);
}

/**
 * The invite dialog of doc 003: identity provider (with the optional Entra tenant for Microsoft),
 * the account, role, and "More settings" with a notification email. Doc 000's email and doc 002's
 * username are the API's `email` and `username`. After creating, the link with a copy button.
 */
export function InviteDialog({
  tenantId,
  opened,
  onClose,
}: {
  tenantId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const queries = useQueryClient();
  const roles = useRoles(tenantId, opened);
  const [provider, setProvider] = useState<Provider>('any');
  const [entraTenantId, setEntraTenantId] = useState('');
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [role, setRole] = useState('member');
  const [more, setMore] = useState(false);
  const [notificationEmail, setNotificationEmail] = useState('');
  const [created, setCreated] = useState<InvitationWithLink | null>(null);

  const create = useMutation({
    mutationFn: () =>
      call(() =>
        api.POST('/api/v1/tenants/{tenantId}/invitations', {
          params: { path: { tenantId } },
          body: {
            email: email.trim(),
            username: username.trim() || usernameFrom(email.trim()),
            role,
            identityProvider: provider,
            // The generated type says Record<string, never> for these optional strings.
            ...(provider === 'microsoft' && entraTenantId.trim()
              ? { entraTenantId: entraTenantId.trim() as unknown as Record<string, never> }
              : {}),
            ...(notificationEmail.trim()
              ? { notificationEmail: notificationEmail.trim() as unknown as Record<string, never> }
              : {}),
          },
        }),
      ),
    onSuccess: async (invitation) => {
      setCreated(invitation);
      await queries.invalidateQueries({ queryKey: keys.invitations(tenantId) });
      await queries.invalidateQueries({ queryKey: keys.limits(tenantId) });
    },
  });

  const reset = () => {
    setProvider('any');
    setEntraTenantId('');
    setEmail('');
    setUsername('');
    setRole('member');
    setMore(false);
    setNotificationEmail('');
    setCreated(null);
    create.reset();
  };
  const close = () => {
    reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  const roleOptions = (roles.data ?? [{ key: 'member', name: t('org.role.member') }]).map((r) => ({
    value: r.key,
    label: r.name,
  }));

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('org.invite.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      size="lg"
    >
      {created ? (
        <Stack gap="md">
          <Text role="status">{t('org.invite.created', { email: created.email })}</Text>
          <InviteLink url={created.inviteUrl} expiresAt={created.expiresAt} />
          <Group justify="flex-end">
            <Button variant="default" onClick={reset}>
              {t('org.invite.another')}
            </Button>
            <Button onClick={close}>{t('common.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} aria-label={t('org.invite.title')}>
          <Stack gap="sm">
            <Select
              label={t('org.invite.provider')}
              description={hint(t('org.invite.providerHelp'))}
              data={[
                { value: 'any', label: t('org.invite.provider.any') },
                { value: 'google', label: t('org.invite.provider.google') },
                { value: 'microsoft', label: t('org.invite.provider.microsoft') },
              ]}
              value={provider}
              onChange={(v) => setProvider(v ?? 'any')}
              allowDeselect={false}
              comboboxProps={{ withinPortal: false }}
            />
            {provider === 'microsoft' && (
              <TextInput
                label={t('org.invite.entraTenant')}
                description={hint(t('org.invite.entraTenantHelp'))}
                placeholder="00000000-0000-0000-0000-000000000000"
                value={entraTenantId}
                onChange={(e) => setEntraTenantId(e.currentTarget.value)}
              />
            )}
            <TextInput
              label={t('org.invite.email')}
              description={hint(t('org.invite.emailHelp'))}
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <TextInput
              label={t('org.invite.username')}
              description={hint(t('org.invite.usernameHelp'))}
              placeholder={usernameFrom(email) || undefined}
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
            />
            <Select
              label={t('org.invite.role')}
              data={roleOptions}
              value={role}
              onChange={(v) => setRole(v ?? 'member')}
              allowDeselect={false}
              comboboxProps={{ withinPortal: false }}
            />
            <div>
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => setMore((m) => !m)}
                aria-expanded={more}
                aria-controls="invite-more-settings"
              >
                {more ? t('org.invite.fewerSettings') : t('org.invite.moreSettings')}
              </Anchor>
              <Collapse expanded={more} id="invite-more-settings">
                <TextInput
                  label={t('org.invite.notificationEmail')}
                  description={hint(t('org.invite.notificationEmailHelp'))}
                  type="email"
                  value={notificationEmail}
                  onChange={(e) => setNotificationEmail(e.currentTarget.value)}
                />
              </Collapse>
            </div>
            <ProblemAlert error={create.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('org.invite.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** A link shown once, read-only, with a copy button (create and resend). */
export function InviteLink({ url, expiresAt }: { url: string; expiresAt: string }) {
  return (
    <Group align="end" wrap="nowrap">
      <TextInput
        label={t('org.invite.link')}
        description={hint(t('org.invite.linkHelp', { date: formatDate(expiresAt) ?? '' }))}
        value={url}
        readOnly
        style={{ flex: 1 }}
        onFocus={(e) => e.currentTarget.select()}
      />
      <CopyValue value={url} variant="filled" />
    </Group>
  );
}
