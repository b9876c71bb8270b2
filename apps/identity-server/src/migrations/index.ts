import type { MigrationInterface } from 'typeorm';
import { Initial1795349925330 } from './1795349925330-Initial.js';
import { Accounts1795351515526 } from './1795351515526-Accounts.js';
import { Memberships1795352284899 } from './1795352284899-Memberships.js';
import { MillisecondCursors1795353994063 } from './1795353994063-MillisecondCursors.js';
import { AccessRules1795355787301 } from './1795355787301-AccessRules.js';
import { Invitations1795354575956 } from './1795354575956-Invitations.js';
import { TeamsAndRoles1795599842496 } from './1795599842496-TeamsAndRoles.js';
import { Scim1795600285015 } from './1795600285015-Scim.js';
import { SeatCounter1795604292289 } from './1795604292289-SeatCounter.js';
import { MembershipLifecycle1795700000000 } from './1795700000000-MembershipLifecycle.js';
import { CredentialKeyHash1796154708186 } from './1796154708186-CredentialKeyHash.js';
import { RateLimits1796168671978 } from './1796168671978-RateLimits.js';
import { EmailTokens1796176038081 } from './1796176038081-EmailTokens.js';
import { Sso1796176055178 } from './1796176055178-Sso.js';
import { SsoConnections1796176157690 } from './1796176157690-SsoConnections.js';
import { DecisionLogs1796300000000 } from './1796300000000-DecisionLogs.js';
import { MemberPolicyAttributes1796300000100 } from './1796300000100-MemberPolicyAttributes.js';

/** Applied in this order; append new migrations at the end (`npm run migration:generate -- Name`). */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Initial1795349925330,
  Accounts1795351515526,
  Memberships1795352284899,
  MillisecondCursors1795353994063,
  Invitations1795354575956,
  AccessRules1795355787301,
  TeamsAndRoles1795599842496,
  Scim1795600285015,
  SeatCounter1795604292289,
  MembershipLifecycle1795700000000,
  CredentialKeyHash1796154708186,
  RateLimits1796168671978,
  EmailTokens1796176038081,
  Sso1796176055178,
  SsoConnections1796176157690,
  DecisionLogs1796300000000,
  MemberPolicyAttributes1796300000100,
];
