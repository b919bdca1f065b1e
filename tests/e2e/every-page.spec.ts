// Every page, as a phone (390 px) and a desktop (1440 px) show it: no text cut off or out of
// reach, and no serious or critical axe-core violation.
import { expect, test, type Page } from '@playwright/test';
import { clippedText, seriousA11yViolations, type AxeFinding, type Clipped } from './page-checks';
import { createGroupViaApi, graphql, sendTraffic, signIn } from './ui-helpers';

interface Visit {
  path: string;
  /** Gets the page into the state worth checking (results drawn, errors shown). */
  prepare?: (page: Page) => Promise<void>;
}

async function settle(page: Page): Promise<void> {
  await expect(page.getByText('Loading…')).toHaveCount(0);
}

function visits(groupId: string): Visit[] {
  const group = `/groups/${groupId}`;
  return [
    { path: '/groups' },
    {
      path: '/groups/new',
      // The builder with its errors showing (the list markup once failed axe here).
      prepare: async (page) => {
        await page.getByRole('button', { name: 'Create routing group' }).click();
        await expect(page.getByRole('alert').first()).toBeVisible();
      },
    },
    { path: `${group}/overview` },
    {
      path: `${group}/tester`,
      prepare: async (page) => {
        await page.getByRole('button', { name: 'Send test request' }).click();
        await expect(page.getByTestId('test-result')).toBeVisible();
      },
    },
    {
      path: `${group}/simulator`,
      prepare: async (page) => {
        await page.getByLabel('Number of requests').fill('200');
        await page.getByRole('button', { name: 'Run', exact: true }).click();
        await expect(page.getByTestId('sim-status')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
      },
    },
    {
      // Replay mode with its three columns, the changed requests and the assumptions drawn.
      path: `${group}/simulator?mode=replay`,
      prepare: async (page) => {
        await page.getByLabel('Draft strategy').selectOption('SIMPLE_SHUFFLE');
        await page.getByRole('button', { name: 'Replay both' }).click();
        await expect(page.getByTestId('sim-status')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
        await expect(page.getByTestId('sim-status-draft')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
      },
    },
    { path: `${group}/settings` },
    {
      path: `${group}/history`,
      prepare: async (page) => {
        await page.locator('.history-item').first().click();
        await expect(page.locator('.history-detail')).toBeVisible();
      },
    },
    { path: '/deployments' },
    { path: '/teams' },
    { path: '/keys' },
    { path: '/usage' },
  ];
}

test.describe('every page', () => {
  test.describe.configure({ mode: 'serial' });
  let groupId = '';

  test.beforeAll(async ({ request }) => {
    const name = `e2e-pages-${Date.now()}`;
    groupId = await createGroupViaApi(request, name);
    // Recorded traffic, for Replay mode to replay.
    await sendTraffic(request, name, 6);
    // Something in each list: a team, a key, one logged /v1 request.
    await graphql(request, `mutation { createTeam(input: { teamAlias: "e2e pages team ${Date.now()}" }) { __typename } }`);
    await graphql(request, `mutation { generateKey(input: { keyAlias: "e2e pages key" }) { __typename } }`);
  });

  for (const width of [390, 1440]) {
    test(`at ${width} px: no clipped text, no serious axe violation`, async ({ page }) => {
      test.setTimeout(240_000);
      await page.setViewportSize({ width, height: 844 });
      const clipped: (Clipped & { page: string })[] = [];
      const violations: (AxeFinding & { page: string })[] = [];

      await page.goto('/');
      await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
      violations.push(...(await seriousA11yViolations(page)).map((v) => ({ ...v, page: 'sign-in' })));
      clipped.push(...(await clippedText(page)).map((c) => ({ ...c, page: 'sign-in' })));

      await signIn(page);
      for (const visit of visits(groupId)) {
        await page.goto(visit.path);
        await settle(page);
        await visit.prepare?.(page);
        clipped.push(...(await clippedText(page)).map((c) => ({ ...c, page: visit.path })));
        violations.push(...(await seriousA11yViolations(page)).map((v) => ({ ...v, page: visit.path })));
      }
      expect({ clipped, violations }, 'text cut off or out of reach; serious/critical axe-core violations').toEqual({
        clipped: [],
        violations: [],
      });
    });
  }
});
