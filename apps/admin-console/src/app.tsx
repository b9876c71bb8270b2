import { Center, Text } from '@mantine/core';
import { BrowserRouter, Route, Routes } from 'react-router';
import { RequireSession } from './auth/require-session.js';
import { HomePage } from './pages/home.js';
import { SignInPage } from './pages/sign-in.js';
import { SsoReturnPage } from './pages/sso-return.js';

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
        <Route path="*" element={<NotFound />} />
      </Routes>
    </BrowserRouter>
  );
}
