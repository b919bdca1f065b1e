// The server goes away under an open page: the page says so, keeps what it had marked as
// stale, and picks up again (subscriptions included) when the server is back.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { OwnServer } from './own-server';
import { MASTER_KEY } from './ui-helpers';

const PORT = Number(process.env.E2E_PORT ?? 4123) + 50;
let server: OwnServer;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  server = new OwnServer(PORT, join(test.info().config.rootDir, '..', '..'));
  await server.start();
});

test.afterAll(async () => {
  await server.stop();
});

async function groupId(): Promise<string> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ routingGroup(name: "llama-failover") { routingGroupId } }' }),
  });
  const body = (await response.json()) as { data: { routingGroup: { routingGroupId: string } } };
  return body.data.routingGroup.routingGroupId;
}

test('a lost server shows "Reconnecting…", never "no requests yet", and live traffic resumes after', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const id = await groupId();
  await page.goto(`${server.url}/#key=${MASTER_KEY}`);
  await page.goto(`${server.url}/groups/${id}/overview`);
  await expect(page.getByRole('heading', { name: 'Live traffic' })).toBeVisible();
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);

  await server.stop('SIGKILL');
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toContainText('Reconnecting…', { timeout: 20_000 });
  await expect(page.getByTestId('live-stale')).toBeVisible();
  await expect(page.getByTestId('live-empty')).toContainText("Can't reach the server");
  await expect(page.getByText(/No \/v1 requests/)).toHaveCount(0);

  await server.start();
  await expect(banner).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('live-stale')).toHaveCount(0);
  // The live-traffic subscription was resumed: a request made now shows up without a reload.
  // Requests keep coming until one is seen (the subscription may take a moment to be back).
  const timeline = page.getByTestId('live-timeline');
  await expect(async () => {
    const reply = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama-failover', messages: [{ role: 'user', content: 'Hello' }] }),
    });
    expect(reply.status).toBe(200);
    await expect(timeline.getByRole('listitem').first()).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
});

test('a run the server stopped by shutting down never reads "Cancelled … matched it exactly"', async ({ page }) => {
  test.setTimeout(240_000);
  const id = await groupId();
  await page.goto(`${server.url}/#key=${MASTER_KEY}`);
  await page.goto(`${server.url}/groups/${id}/simulator`);
  await page.getByLabel('Number of requests').fill('100000');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const counter = page.getByTestId('sim-counter');
  await expect.poll(async () => Number(await counter.getAttribute('data-completed')), { timeout: 60_000 }).toBeGreaterThan(0);

  await server.stop('SIGTERM');
  const status = page.getByTestId('sim-status');
  await expect(status).toHaveAttribute('data-status', /^(server-stopped|interrupted)$/, { timeout: 30_000 });
  await expect(status).not.toHaveText('Cancelled');
  await expect(page.getByText(/matched it exactly/)).toHaveCount(0);
  await expect(page.getByText(/server stopped this run|Lost the connection to the server/)).toBeVisible();
  await server.start();
});
