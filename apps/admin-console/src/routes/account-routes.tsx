import type { RouteObject } from 'react-router';
import { RequireSession } from '../auth/require-session.js';
import { ForgotPasswordPage } from '../pages/account/forgot-password.js';
import { InvitationPage } from '../pages/account/invitation.js';
import { ProfilePage } from '../pages/account/profile.js';
import { ResetPasswordPage } from '../pages/account/reset-password.js';
import { SignUpPage } from '../pages/account/sign-up.js';
import { VerifyEmailPage } from '../pages/account/verify-email.js';

/** Sign-up, email links, the invitation landing and the profile (pages/account/). */
export const accountRoutes: RouteObject[] = [
  { path: '/sign-up', element: <SignUpPage /> },
  { path: '/verify-email', element: <VerifyEmailPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  // Public: it shows the invitation to anyone with the link, and signs in from there.
  { path: '/invite/:token', element: <InvitationPage /> },
  {
    path: '/profile',
    element: (
      <RequireSession>
        <ProfilePage />
      </RequireSession>
    ),
  },
];
