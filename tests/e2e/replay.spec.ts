// Replay, apply and roll back in a real browser against the real server (demo config: mock
// deployments). Traffic is real /v1 requests, so what is replayed is what the request log
// recorded; the replay's report is read off the websocket and checked against the page.
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, expectNothingClipped } from './page-checks';
import { createGroupViaApi, graphql, sendTraffic, signIn } from './ui-helpers';

const NEBIUS = 'nebius-llama-3.3-70b';
const AZURE = 'azure-gpt-4o';
const REQUESTS = 24;

interface ReplayReport {
  recordedRequests: number;
  replayedRequests: number;
  sameFinalDeployment: number;
  assumedDeployments: string[];
}

/** The replay reports the page received over graphql-ws, in arrival order. */
function captureReports(page: Page): ReplayReport[] {
  const reports: ReplayReport[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string' || !payload.includes('SimulationSummary')) return;
      const message = JSON.parse(payload) as { payload?: { data?: { simulateTraffic?: { replay?: ReplayReport | null } } } };
      const report = message.payload?.data?.simulateTraffic?.replay;
      if (report) reports.push(report);
    });
  });
  return reports;
}

async function waitForBoth(page: Page): Promise<void> {
  await expect(page.getByTestId('sim-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  await expect(page.getByTestId('sim-status-draft')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
}

test.describe('replay recorded traffic', () => {
  test.describe.configure({ mode: 'serial' });

  test('replays the last hour on the saved group and a draft beside what was recorded', async ({ page, request }) => {
    test.setTimeout(180_000);
    const name = `e2e-replay-${Date.now()}`;
    const id = await createGroupViaApi(request, name);
    await sendTraffic(request, name, REQUESTS);
    const reports = captureReports(page);

    await signIn(page);
    await page.goto(`/groups/${id}/simulator`);
    await page.getByLabel('Replay recorded traffic').check();
    await expect(page).toHaveURL(/mode=replay/);
    // The window's recorded traffic is drawn before anything runs (the log may lag a moment).
    await expect(async () => {
      await page.getByLabel('Last day').check();
      await page.getByLabel('Last hour').check();
      await expect(page.getByTestId('replay-recorded-preview')).toHaveAttribute('data-requests', String(REQUESTS), { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });

    // The draft puts Azure first: every request that ended on Nebius now ends elsewhere.
    await page.getByLabel(`Draft priority for ${NEBIUS}`).fill('3');
    await page.getByLabel(`Draft priority for ${AZURE}`).fill('1');
    await page.getByRole('button', { name: 'Replay both' }).click();
    await waitForBoth(page);

    for (const column of ['saved', 'draft', 'recorded']) {
      await expect(page.getByTestId(`replay-${column}-requests`)).toHaveAttribute('data-value', String(REQUESTS));
    }
    await expect(page.getByTestId('replay-saved-same')).toHaveAttribute('data-value', '1');
    const changed = page.getByTestId('changed-requests');
    await expect(changed).toHaveAttribute('data-compared', String(REQUESTS));
    await expect(changed).toHaveAttribute('data-changed', String(REQUESTS));
    await expect(page.getByTestId('changed-request')).toHaveCount(REQUESTS);
    await expect(page.getByTestId('changed-request').first()).toContainText('Saved: ended on Nebius');
    await expect(page.getByTestId('changed-request').first()).toContainText('Draft: ended on Azure');

    // What the server assumed is what the page marks, and nothing else.
    expect(reports).toHaveLength(2);
    expect(reports.map((r) => r.recordedRequests)).toEqual([REQUESTS, REQUESTS]);
    const assumed = new Set(reports.flatMap((r) => r.assumedDeployments));
    const marked = page.getByTestId('replay-column-draft').locator('[data-testid="replay-distribution-row"][data-assumed="true"]');
    await expect(marked).toHaveCount(assumed.size);
    for (const deployment of assumed) {
      await expect(page.getByTestId('replay-column-draft').locator(`[data-testid="replay-distribution-row"][data-deployment-id="${deployment}"]`)).toContainText('assumed');
    }
    if (assumed.size) await expect(page.getByTestId('replay-assumptions')).toBeVisible();

    await expectAccessible(page, 'replay results');
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNothingClipped(page, 'replay results at 390 px');
    await expectAccessible(page, 'replay results at 390 px');
  });

  test("a bad window shows the server's message at the field", async ({ page, request }) => {
    const id = await createGroupViaApi(request, `e2e-replay-bad-${Date.now()}`);
    await signIn(page);
    await page.goto(`/groups/${id}/simulator?mode=replay`);
    await page.getByLabel('Custom').check();
    await page.getByLabel('From', { exact: true }).fill('2026-01-02T10:00');
    await page.getByLabel('To', { exact: true }).fill('2026-01-02T09:00');
    await page.getByRole('button', { name: 'Replay both' }).click();
    await expect(page.getByTestId('replay-to-error')).toContainText('must be after replay.from');
    await expect(page.getByLabel('To', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page, 'replay with a bad window');
  });
});

test.describe('shipping a what-if', () => {
  test.describe.configure({ mode: 'serial' });

  async function compareWithShuffle(page: Page, id: string): Promise<void> {
    await page.goto(`/groups/${id}/simulator`);
    await page.getByLabel('Number of requests').fill('50');
    await page.getByRole('button', { name: 'Compare with a change' }).click();
    await page.getByLabel('Draft strategy').selectOption('SIMPLE_SHUFFLE');
    await page.getByRole('button', { name: 'Run both' }).click();
    await waitForBoth(page);
  }

  test('Apply this change saves a new version; a stale second tab gets the conflict', async ({ browser, request }) => {
    test.setTimeout(180_000);
    const id = await createGroupViaApi(request, `e2e-apply-${Date.now()}`);
    const first = await browser.newPage();
    const second = await browser.newPage();
    await signIn(first);
    await signIn(second);
    await compareWithShuffle(first, id);
    await compareWithShuffle(second, id);

    await first.getByRole('button', { name: 'Apply this change' }).click();
    await expect(first.getByTestId('apply-saved')).toContainText('the group is now version 2');
    const saved = await graphql<{ routingGroup: { version: number; routingStrategy: string } }>(
      request,
      `query($id: ID) { routingGroup(id: $id) { version routingStrategy } }`,
      { id },
    );
    expect(saved.routingGroup).toEqual({ version: 2, routingStrategy: 'SIMPLE_SHUFFLE' });

    await second.getByRole('button', { name: 'Apply this change' }).click();
    const conflict = second.getByTestId('conflict-notice');
    await expect(conflict).toContainText('someone else saved version 2');
    await expect(second.getByTestId('apply-saved')).toHaveCount(0);
    await expectAccessible(second, 'apply conflict');
    await first.close();
    await second.close();
  });

  test('History: rolling back to version 1 makes version 3 equal to version 1', async ({ page, request }) => {
    test.setTimeout(120_000);
    const id = await createGroupViaApi(request, `e2e-rollback-${Date.now()}`);
    await graphql(
      request,
      `mutation($id: ID!) { updateRoutingGroup(id: $id, input: {
         routingStrategy: SIMPLE_SHUFFLE, cooldownConfig: { allowedFails: 1, cooldownTimeSeconds: 90 } }) { __typename } }`,
      { id },
    );
    await signIn(page);
    await page.goto(`/groups/${id}/history`);
    const latest = page.getByTestId('revision').first();
    await expect(latest).toHaveAttribute('data-version', '2');
    await expect(latest.getByTestId('revision-change').filter({ hasText: 'Strategy' })).toHaveText(
      'Strategy: Priority Failover → Round Robin',
    );
    await expect(latest.getByTestId('revision-change').filter({ hasText: 'Cooldown' })).toHaveText('Cooldown: 60 s → 90 s');

    await page.getByRole('button', { name: 'Roll back to this version (version 1)' }).click();
    await expect(page.getByRole('alertdialog')).toContainText('Roll back to version 1?');
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    await expect(page.getByTestId('rollback-saved')).toContainText('saved as version 3');
    await expect(page.getByTestId('revision').first()).toHaveAttribute('data-version', '3');
    await expect(page.getByTestId('revision').first().getByTestId('revision-change').filter({ hasText: 'Strategy' })).toHaveText(
      'Strategy: Round Robin → Priority Failover',
    );
    await expectAccessible(page, 'history after a rollback');

    // The builder shows version 1's settings again.
    await page.goto(`/groups/${id}/settings`);
    await expect(page.getByRole('radio', { name: /Priority Failover/ })).toBeChecked();
    await page.locator('details', { hasText: 'Cooldown (seconds)' }).locator('summary').click();
    await expect(page.getByLabel('Cooldown (seconds)')).toHaveValue('60');
    await expect(page.getByLabel('Allowed fails')).toHaveValue('3');
    const group = await graphql<{ routingGroup: { version: number; routingStrategy: string; cooldownConfig: { allowedFails: number; cooldownTimeSeconds: number } } }>(
      request,
      `query($id: ID) { routingGroup(id: $id) { version routingStrategy cooldownConfig { allowedFails cooldownTimeSeconds } } }`,
      { id },
    );
    expect(group.routingGroup).toEqual({
      version: 3,
      routingStrategy: 'PRIORITY_FAILOVER',
      cooldownConfig: { allowedFails: 3, cooldownTimeSeconds: 60 },
    });
  });
});
