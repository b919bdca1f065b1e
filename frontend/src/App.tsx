import { useMemo } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Provider } from 'urql';
import { GroupDetailRoute } from '@/app/GroupDetailRoute';
import { Layout } from '@/app/Layout';
import { NotFoundPage } from '@/components/NotFoundPage';
import { SignInPage } from '@/features/auth/components/SignInPage';
import { DeploymentsPage } from '@/features/deployments/components/DeploymentsPage';
import { KeysPage } from '@/features/keys/components/KeysPage';
import { GroupCreatePage } from '@/features/routing-groups/components/GroupCreatePage';
import { GroupListPage } from '@/features/routing-groups/components/GroupListPage';
import { TeamsPage } from '@/features/teams/components/TeamsPage';
import { UsagePage } from '@/features/usage/components/UsagePage';
import { signOut, useApiKey } from '@/lib/auth';
import { createGraphqlClient } from '@/lib/graphql-client';

const REJECTED = 'The server did not accept that key. Please sign in again.';

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/groups" replace />} />
        <Route path="groups" element={<GroupListPage />} />
        <Route path="groups/new" element={<GroupCreatePage />} />
        <Route path="groups/:id" element={<GroupDetailRoute />} />
        <Route path="groups/:id/:tab" element={<GroupDetailRoute />} />
        <Route path="deployments" element={<DeploymentsPage />} />
        <Route path="teams" element={<TeamsPage />} />
        <Route path="keys" element={<KeysPage />} />
        <Route path="usage" element={<UsagePage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App() {
  const apiKey = useApiKey();
  const client = useMemo(
    () => (apiKey ? createGraphqlClient({ apiKey, onUnauthorized: () => signOut(REJECTED) }) : null),
    [apiKey],
  );
  if (!client) return <SignInPage />;
  return (
    <Provider value={client}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </Provider>
  );
}
