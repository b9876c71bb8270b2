import { enAccount } from './en-account.js';
import { enAdmin } from './en-admin.js';
import { enOperator } from './en-operator.js';
import { enOrganization } from './en-organization.js';
import { enTeams } from './en-teams.js';

/** English, the shipped language. Every text of the console is a key here. */
export const en = {
  ...enAccount,
  ...enAdmin,
  ...enOperator,
  ...enOrganization,
  ...enTeams,
  'app.name': 'Identity Server',
  'common.loading': 'Loading…',
  'common.cancel': 'Cancel',
  'common.save': 'Save',
  'common.close': 'Close',
  'common.retry': 'Try again',
  'common.copy': 'Copy',
  'common.copied': 'Copied',
  'common.loadMore': 'Load more',
  'error.unexpected': 'Something went wrong. Try again in a moment.',
  'error.roleTitle': 'Admin access required',
  'error.roleHelp': 'Ask an Administrator of this organization to change your role.',
  'error.network': 'The server cannot be reached. Check your connection and try again.',
  'nav.signOut': 'Sign out',
  'nav.profile': 'Profile',
  'nav.organizations': 'Organizations',
  'signIn.title': 'Sign in',
  'signIn.email': 'Email',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.or': 'or',
  'signIn.with': 'Continue with {name}',
  'signIn.forgot': 'Forgot your password?',
  'signIn.noAccount': 'No account yet?',
  'signIn.signUp': 'Create one',
  'signIn.totpTitle': 'Two-factor authentication',
  'signIn.totpHelp': 'Enter the 6-digit code from your authenticator app.',
  'signIn.totp': 'Authentication code',
  'signIn.verify': 'Verify',
  'signIn.finishing': 'Finishing sign-in…',
  'home.title': 'Your organizations',
  'home.none': 'You are not a member of any organization yet.',
  'home.create': 'Create an organization',
  'home.open': 'Open',
  'home.role': 'Role: {role}',
} as const;

export type MessageKey = keyof typeof en;
