import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './ui-helpers';

// "... Then I give developers access to it": every step through the UI, then a developer's call
// with the official openai client and the key read from the dialog.
const GROUP = 'story-access';
const TEAM = 'search-team';
const KEY_ALIAS = 'search-prod';
const NEW_DEPLOYMENT = 'e2e-nebius-backup';

function repoPath(...parts: string[]): string {
  return join(test.info().config.rootDir, '..', '..', ...parts);
}

interface CallResult {
  ok: boolean;
  content?: string;
  modelId?: string;
  status?: number;
}

/** The developer's side: `.venv/bin/python` with the openai package, against this server. */
function callWithOpenai(page: Page, key: string): CallResult {
  const base = new URL('/v1', page.url()).toString();
  const output = execFileSync(repoPath('.venv', 'bin', 'python'), [repoPath('tests', 'e2e', 'scripts', 'call_group.py'), base, GROUP], {
    env: { ...process.env, OPENAI_API_KEY: key },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(output.trim().split('\n').pop() ?? '{}') as CallResult;
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll, `page is ${widths.scroll}px wide in a ${widths.client}px window`).toBeLessThanOrEqual(widths.client);
}

test.describe.configure({ mode: 'serial' });

test('a deployment, the story group, a team and a key, all through the UI; the key calls and is revoked', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page);
  const nav = page.getByRole('navigation', { name: 'Main' });

  // 1. A deployment, from the Deployments page.
  await nav.getByRole('link', { name: 'Deployments' }).click();
  await page.getByRole('button', { name: '+ Add deployment' }).click();
  const form = page.getByRole('form', { name: 'Add deployment' });
  await form.getByLabel('Deployment id').fill(NEW_DEPLOYMENT);
  await form.getByLabel('Model', { exact: true }).fill('nebius/meta-llama/Llama-3.3-70B-Instruct');
  await form.getByLabel('Display name').fill('Nebius backup');
  await form.getByLabel('API key').fill('os.environ/NEBIUS_API_KEY');
  await form.getByLabel('Mock response (optional)').fill('Hello from the backup (mock).');
  await form.getByRole('button', { name: 'Add deployment' }).click();
  await expect(page.getByRole('status')).toContainText(`Added deployment ${NEW_DEPLOYMENT}`);
  const row = page.getByTestId(`deployment-${NEW_DEPLOYMENT}`);
  await expect(row).toContainText('Nebius backup');
  await expect(row).not.toContainText('NEBIUS_API_KEY'); // the key is write-only

  // 2. A team and a key; the key is read from the one-time dialog.
  await nav.getByRole('link', { name: 'Teams' }).click();
  await page.getByLabel('New team').fill(TEAM);
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByTestId(`team-${TEAM}`)).toBeVisible();

  await nav.getByRole('link', { name: 'Keys' }).click();
  await page.getByLabel('Key name').fill(KEY_ALIAS);
  await page.getByLabel('Team').selectOption({ label: TEAM });
  await page.getByRole('button', { name: 'Generate key' }).click();
  const dialog = page.getByRole('dialog', { name: /Your new key/ });
  await expect(dialog).toContainText('you will not see it again');
  const key = await dialog.getByTestId('new-key-value').inputValue();
  expect(key).toMatch(/^sk-/);
  await page.screenshot({ path: repoPath('docs', 'keys-dialog.png') });
  await dialog.getByRole('button', { name: 'I have copied the key' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId(`key-${KEY_ALIAS}`)).toContainText(TEAM);
  await expect(page.getByTestId(`key-${KEY_ALIAS}`)).not.toContainText(key);

  // 3. The user story's group: Nebius first, Fireworks AI on error, then Azure; the team may call it.
  await nav.getByRole('link', { name: 'Groups' }).click();
  await page.getByRole('link', { name: /New routing group/ }).first().click();
  await page.getByLabel('Name').fill(GROUP);
  await page.getByRole('radio', { name: /Priority Failover/ }).check();
  const search = page.getByLabel('Add deployments');
  await search.fill('backup');
  await expect(page.getByRole('button', { name: `Add ${NEW_DEPLOYMENT}` })).toBeVisible(); // the new one is offered
  for (const [query, modelId] of [
    ['nebius', 'nebius-llama-3.3-70b'],
    ['fireworks', 'fireworks-llama-v3p3-70b'],
    ['azure', 'azure-gpt-4o'],
  ] as const) {
    await search.fill(query);
    await page.getByRole('button', { name: `Add ${modelId}` }).click();
  }
  await page.getByRole('group', { name: /Teams/ }).getByLabel(TEAM).check();
  await page.getByRole('button', { name: 'Create routing group' }).click();
  await expect(page).toHaveURL(/\/groups\/[^/]+\/overview$/);
  await expect(page.getByRole('status')).toContainText(`Created ${GROUP}`);

  const use = page.getByRole('region', { name: 'Use this group' });
  await expect(use).toContainText('/v1');
  await expect(use.getByTestId('use-snippet')).toContainText(`model="${GROUP}"`);
  await expect(use.getByTestId('use-access')).toContainText(TEAM);
  await use.scrollIntoViewIfNeeded();
  await use.screenshot({ path: repoPath('docs', 'use-this-group.png') });

  // 4. The developer calls the group with the key from the dialog.
  const answer = callWithOpenai(page, key);
  expect(answer).toMatchObject({ ok: true, content: 'Hello from Nebius (mock).', modelId: 'nebius-llama-3.3-70b' });

  await nav.getByRole('link', { name: 'Teams' }).click();
  const teamRow = page.getByTestId(`team-${TEAM}`);
  await expect(teamRow).toContainText(KEY_ALIAS);
  await expect(teamRow).toContainText(GROUP);
  await page.screenshot({ path: repoPath('docs', 'teams.png') });

  // 5. Revoked in the UI: the next call is refused.
  await nav.getByRole('link', { name: 'Keys' }).click();
  await page.getByTestId(`key-${KEY_ALIAS}`).getByRole('button', { name: 'Revoke' }).click();
  const confirm = page.getByRole('alertdialog', { name: `Revoke ${KEY_ALIAS}?` });
  await confirm.getByRole('button', { name: 'Revoke key' }).click();
  await expect(page.getByTestId(`key-${KEY_ALIAS}`)).toContainText('revoked');
  expect(callWithOpenai(page, key)).toMatchObject({ ok: false, status: 401 });
});

test('an unknown address shows a not-found page', async ({ page }) => {
  await signIn(page);
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to routing groups' }).click();
  await expect(page.getByRole('heading', { name: 'Routing groups' })).toBeVisible();
});

test('at 390 px the list, the builder and the simulator fit without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  await noHorizontalScroll(page);
  // The top bar collapses behind a menu button; Sign out is inside it.
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();
  await noHorizontalScroll(page);

  await page.goto('/groups/new');
  await page.getByLabel('Add deployments').fill('fireworks');
  const add = page.getByRole('button', { name: 'Add fireworks-llama-v3p3-70b' });
  // A long model path wraps: "+ Add" stays inside the list box.
  await add.scrollIntoViewIfNeeded();
  const button = (await add.boundingBox())!;
  const list = (await page.getByRole('list', { name: 'Available deployments' }).boundingBox())!;
  expect(button.x + button.width).toBeLessThanOrEqual(list.x + list.width);
  await add.click();
  await noHorizontalScroll(page);

  await page.goto('/groups');
  await page.getByRole('link', { name: 'llama-failover', exact: true }).click();
  await noHorizontalScroll(page);
  await page.getByRole('link', { name: 'Traffic Simulator' }).click();
  await expect(page).toHaveURL(/\/simulator$/);
  await noHorizontalScroll(page);
});
