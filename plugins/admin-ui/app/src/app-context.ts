import { createContext, useContext } from 'react';
import type { Api } from './api';
import type { Session } from './auth';
import type { UiConfig } from './types';

export interface AppContextValue {
  config: UiConfig;
  api: Api;
  session: Session;
  /** Shows admin pages and actions; the gateway still authorizes every call. */
  isAdmin: boolean;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp() outside <AppContext>');
  return value;
}
