import { Button, Card, Container, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../api/client.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { Shell } from '../components/shell.js';
import { useMe } from '../components/user-avatar.js';
import { t } from '../i18n/i18n.js';

/** GET /api/v1/me, shared with the shell's header (one query, one cache entry). */
export const useProfile = useMe;

/** Your organizations, and a new one from a personal account (doc 002). */
export function HomePage() {
  const profile = useProfile();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => call(() => api.POST('/api/v1/organizations', { body: { name } })),
    onSuccess: async (org) => {
      await queries.invalidateQueries({ queryKey: ['me'] });
      await navigate(`/orgs/${org.id}/users`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const tenants = profile.data?.tenants ?? [];
  return (
    <Shell>
      <Container size="md">
        <Stack gap="lg">
          <Title order={1}>{t('home.title')}</Title>
          <ProblemAlert error={profile.error} />
          {profile.isSuccess && tenants.length === 0 && <Text>{t('home.none')}</Text>}
          {tenants.map((tenant) => (
            <Card key={tenant.tenantId} withBorder>
              <Group justify="space-between">
                <div>
                  <Text fw={600}>{tenant.name}</Text>
                  <Text size="sm" c="dimmed">
                    {t('home.role', { role: tenant.role })}
                  </Text>
                </div>
                <Button component={Link} to={`/orgs/${tenant.tenantId}/users`}>
                  {t('home.open')}
                </Button>
              </Group>
            </Card>
          ))}
          <form onSubmit={submit} aria-label={t('home.create')}>
            <Group align="end">
              <TextInput
                label={t('home.create')}
                placeholder="Acme Corp"
                required
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
              />
              <Button type="submit" loading={create.isPending}>
                {t('home.create')}
              </Button>
            </Group>
          </form>
          <ProblemAlert error={create.error} />
        </Stack>
      </Container>
    </Shell>
  );
}
