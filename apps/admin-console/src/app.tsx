import { Button, Text } from '@mantine/core';
import { BrowserRouter, Link, Route, Routes, type RouteObject } from 'react-router';
import { RequireSession } from './auth/require-session.js';
import { CenteredCard } from './components/centered.js';
import { t } from './i18n/i18n.js';
import { HomePage } from './pages/home.js';
import { OutboxPage } from './pages/operator/outbox.js';
import { SignInPage } from './pages/sign-in.js';
import { SsoReturnPage } from './pages/sso-return.js';
import { accountRoutes } from './routes/account-routes.js';
import { adminRoutes } from './routes/admin-routes.js';
import { organizationRoutes } from './routes/organization-routes.js';

const routeOf = (r: RouteObject) => <Route key={r.path} path={r.path} element={r.element} />;

function NotFound() {
  return (
    <CenteredCard title={t('notFound.title')}>
      <Text>{t('notFound.text')}</Text>
      <Button component={Link} to="/">
        {t('notFound.home')}
      </Button>
    </CenteredCard>
  );
}

/** Every page of the console; the server answers index.html for each of these paths. */
export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/sso-return" element={<SsoReturnPage />} />
        <Route path="/outbox" element={<OutboxPage />} />
        <Route
          path="/"
          element={
            <RequireSession>
              <HomePage />
            </RequireSession>
          }
        />
        {accountRoutes.map(routeOf)}
        {organizationRoutes.map(routeOf)}
        {adminRoutes.map(routeOf)}
        <Route path="*" element={<NotFound />} />
      </Routes>
    </BrowserRouter>
  );
}
