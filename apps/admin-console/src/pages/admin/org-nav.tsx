import { Anchor, Group } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { t } from '../../i18n/i18n.js';

/** The administration links of an organization, for Shell's nav. */
export function AdminNav() {
  const { tenantId } = useParams();
  return (
    <Group gap="md" component="nav" aria-label={t('nav.organizations')}>
      <Anchor component={Link} to={`/orgs/${tenantId}/users`}>
        {t('admin.nav.users')}
      </Anchor>
      <Anchor component={Link} to={`/orgs/${tenantId}/audit`}>
        {t('admin.nav.audit')}
      </Anchor>
      <Anchor component={Link} to={`/orgs/${tenantId}/integrations`}>
        {t('admin.nav.integrations')}
      </Anchor>
    </Group>
  );
}
