import { Center, Text } from '@mantine/core';
import { BrowserRouter, Route, Routes, type RouteObject } from 'react-router';
import { RequireSession } from './auth/require-session.js';
import { HomePage } from './pages/home.js';
import { SignInPage } from './pages/sign-in.js';
import { SsoReturnPage } from './pages/sso-return.js';
import { accountRoutes } from './routes/account-routes.js';
import { adminRoutes } from './routes/admin-routes.js';
import { organizationRoutes } from './routes/organization-routes.js';

const routeOf = (r: RouteObject) => <Route key={r.path} path={r.path} element={r.element} />;

function NotFound() {
  return (
    <Center h="60vh" component="main">
      <Text>404</Text>
    </Center>
  );
}

/** Every page of the console; the server answers index.html for each of these paths. */
export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/sso-return" element={<SsoReturnPage />} />
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
