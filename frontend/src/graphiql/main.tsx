// The GraphiQL IDE, bundled from npm so GET /graphql works with no CDN.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { bearer, getApiKey, signInFromUrlHash } from '@/lib/auth';
import { createWsClientFor, GRAPHQL_PATH } from '@/lib/graphql-client';

const EXAMPLE_QUERY = `# Signed in with the key from the Routing Groups app (this browser tab).
query RoutingGroups {
  routingGroups(page: 1, size: 10) {
    total
    items {
      routingGroupName
      routingStrategy
      deployments { modelId provider priority weight }
    }
  }
}
`;

signInFromUrlHash();
const apiKey = getApiKey();
// `#query=...&variables=...` opens GraphiQL on a given operation (links, docs, tests). In the
// hash, because the server runs `GET /graphql?query=...` as a GraphQL request.
const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));

function signedOutNotice() {
  return (
    <div className="graphiql-signed-out" role="alert">
      Not signed in: requests will be rejected. <a href="/">Sign in on the app</a>, then reload this page.
    </div>
  );
}

const fetcher = createGraphiQLFetcher({
  url: GRAPHQL_PATH,
  headers: apiKey ? { authorization: bearer(apiKey) } : {},
  wsClient: apiKey ? createWsClientFor(apiKey, () => undefined) : undefined,
});

const root = document.getElementById('graphiql');
if (!root) throw new Error('graphiql.html has no #graphiql element');
createRoot(root).render(
  <StrictMode>
    <div className="graphiql-shell">
      {!apiKey && signedOutNotice()}
      <GraphiQL
        fetcher={fetcher}
        defaultQuery={EXAMPLE_QUERY}
        initialQuery={params.get('query') ?? undefined}
        initialVariables={params.get('variables') ?? undefined}
      />
    </div>
  </StrictMode>,
);
