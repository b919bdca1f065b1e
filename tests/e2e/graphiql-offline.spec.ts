import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createGroupViaApi, signIn } from './ui-helpers';

function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return ['data:', 'blob:', 'about:'].includes(protocol) || hostname === '127.0.0.1';
}

test('GraphiQL works offline: a query and a subscription, nothing fetched from elsewhere', async ({
  page,
  context,
}) => {
  const foreign: string[] = [];
  // Every request, the page's and its workers', goes through here; anything not local is
  // recorded and refused, as it would be on a machine with no internet.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  page.on('websocket', (ws) => {
    if (!isLocal(ws.url().replace(/^ws/, 'http'))) foreign.push(ws.url());
  });

  await signIn(page);
  const groupId = await createGroupViaApi(page.request, 'graphiql-e2e');

  // One group by name: the response pane draws only the lines in view, and other specs'
  // groups (20 deployments) would push this one out of it.
  const query = `query RoutingGroup {
  routingGroup(name: "graphiql-e2e") {
    routingGroupName
    routingStrategy
    deployments { modelId provider priority }
  }
}`;
  await page.goto(`/graphql#query=${encodeURIComponent(query)}`);
  // Run only once the editor holds the operation (the IDE loads its editor asynchronously).
  const editor = page.locator('.graphiql-query-editor');
  await expect(editor).toContainText('routingGroup(name');
  await page.getByRole('button', { name: /Execute query/ }).click();
  const response = page.locator('.graphiql-response');
  await expect(response).toContainText('graphiql-e2e');
  await expect(response).toContainText('PRIORITY_FAILOVER');
  await page.screenshot({ path: join(test.info().config.rootDir, '..', '..', 'docs', 'graphiql.png') });

  const subscription = `subscription {
  simulateTraffic(id: "${groupId}", input: { numRequests: 20, concurrency: 2, seed: 7 }) {
    __typename
    ... on SimulationSummary { totalRequests successfulRequests }
  }
}`;
  // A hash-only change would not reload the page: leave it first.
  await page.goto('/healthz');
  await page.goto(`/graphql#query=${encodeURIComponent(subscription)}`);
  await expect(editor).toContainText('simulateTraffic');
  await page.getByRole('button', { name: /Execute query/ }).click();
  await expect(response).toContainText('SimulationSummary', { timeout: 30_000 });
  await expect(response).toContainText(/totalRequests"?:\s*20/);

  expect(foreign).toEqual([]);
});
