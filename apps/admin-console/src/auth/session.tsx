import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import {
  api,
  call,
  hasAccessToken,
  onSessionChange,
  refreshSession,
  setAccessToken,
} from '../api/client.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

interface SessionValue {
  /** null while the console finds out whether the refresh cookie holds a session. */
  signedIn: boolean | null;
  signIn(pair: TokenPair): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Restores the session from the refresh cookie on load; the access token stays in memory. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [signedIn, setSignedIn] = useState<boolean | null>(hasAccessToken() ? true : null);
  useEffect(() => {
    const stop = onSessionChange(setSignedIn);
    if (!hasAccessToken()) void refreshSession().then(setSignedIn);
    return stop;
  }, []);
  const value: SessionValue = {
    signedIn,
    signIn: (pair) => setAccessToken(pair.accessToken),
    async signOut() {
      await call(() => api.POST('/api/v1/auth/logout')).catch(() => undefined);
      setAccessToken(null);
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
