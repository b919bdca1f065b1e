import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createGroupViaApi, findGroup, graphql, signIn } from './ui-helpers';

// The user story: Nebius first, Fireworks AI when it fails, Azure last.
const GROUP = 'llama-story';

function docsPath(file: string): string {
  return join(test.info().config.rootDir, '..', '..', 'docs', file);
}

async function selectedOrder(page: Page): Promise<string[]> {
  const items = page.getByRole('list', { name: 'Selected deployments' }).getByRole('listitem');
  const ids = await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-testid') ?? ''));
  return ids.map((id) => id.replace('selected-', ''));
}

async function priorities(page: Page): Promise<[string, number | null][]> {
  const group = await findGroup(page.request, GROUP);
  expect(group).not.toBeNull();
  return [...group!.deployments]
    .sort((a, b) => (a.priority ?? 99) - (b.priority ?? 99))
    .map((d) => [d.modelId, d.priority]);
}

/** Drags with the mouse the way a person does: press on the handle, move in steps, release. */
async function dragAbove(page: Page, modelId: string, targetModelId: string): Promise<void> {
  const handle = page.getByTestId(`selected-${modelId}`).getByRole('button', { name: /^Reorder / });
  const target = page.getByTestId(`selected-${targetModelId}`);
  // Mouse coordinates are the viewport's: bring the list into view first.
  await target.scrollIntoViewIfNeeded();
  await handle.scrollIntoViewIfNeeded();
  const from = (await handle.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2 - 12, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + 4, { steps: 20 });
  await page.mouse.up();
}

test.describe.configure({ mode: 'serial' });

test('creates the user story group entirely through the builder and lists it', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: /New routing group/ }).first().click();
  await expect(page).toHaveURL(/\/groups\/new$/);

  await page.getByLabel('Name').fill(GROUP);
  await page.getByLabel('Description').fill('Llama 3.3 70B on Nebius, failing over to Fireworks AI, then Azure');
  await page.getByRole('radio', { name: /Priority Failover/ }).check();

  const search = page.getByLabel('Add deployments');
  for (const [query, modelId] of [
    ['nebius', 'nebius-llama-3.3-70b'],
    ['fireworks', 'fireworks-llama-v3p3-70b'],
    ['azure', 'azure-gpt-4o'],
  ] as const) {
    await search.fill(query);
    await page.getByRole('button', { name: `Add ${modelId}` }).click();
  }
  await search.fill('');

  expect(await selectedOrder(page)).toEqual(['nebius-llama-3.3-70b', 'fireworks-llama-v3p3-70b', 'azure-gpt-4o']);
  await expect(page.getByTestId('priority-azure-gpt-4o')).toHaveText(/Priority 3/);
  const flow = page.getByTestId('flow-preview');
  await expect(flow).toContainText('Nebius Llama 3.3 70B');
  await expect(flow).toContainText('Azure GPT-4o');
  await expect(flow).toContainText('All failed');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: docsPath('builder.png'), fullPage: true });

  await page.getByRole('button', { name: 'Create routing group' }).click();
  await expect(page).toHaveURL(/\/groups\/[^/]+\/overview$/);
  await expect(page.getByRole('heading', { name: new RegExp(GROUP) })).toBeVisible();
  expect(await priorities(page)).toEqual([
    ['nebius-llama-3.3-70b', 1],
    ['fireworks-llama-v3p3-70b', 2],
    ['azure-gpt-4o', 3],
  ]);

  // Company for the list screenshot.
  await createGroupViaApi(page.request, 'llama-backup');
  await graphql(
    page.request,
    `mutation { createRoutingGroup(input: { routingGroupName: "gpt-split", routingStrategy: WEIGHTED,
       deployments: [{ modelId: "azure-gpt-4o", weight: 70 }, { modelId: "openai-gpt-4o-mini", weight: 30 }] }) { __typename } }`,
  );

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
  const row = page.getByTestId(`group-row-${GROUP}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('Priority Failover');
  await expect(row).toContainText('Fireworks AI');
  await page.screenshot({ path: docsPath('list.png') });

  await page.reload();
  await expect(page.getByTestId(`group-row-${GROUP}`)).toBeVisible();
});

test('reorders by dragging and by keyboard, and saves the new priorities', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: `Edit ${GROUP}` }).click();
  await expect(page).toHaveURL(/\/settings$/);

  await dragAbove(page, 'azure-gpt-4o', 'nebius-llama-3.3-70b');
  await expect.poll(() => selectedOrder(page)).toEqual([
    'azure-gpt-4o',
    'nebius-llama-3.3-70b',
    'fireworks-llama-v3p3-70b',
  ]);
  await expect(page.getByTestId('priority-azure-gpt-4o')).toHaveText(/Priority 1/);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(/\/overview$/);
  expect(await priorities(page)).toEqual([
    ['azure-gpt-4o', 1],
    ['nebius-llama-3.3-70b', 2],
    ['fireworks-llama-v3p3-70b', 3],
  ]);

  await page.getByRole('navigation', { name: 'Routing group' }).getByRole('link', { name: 'Settings' }).click();
  const handle = page.getByTestId('selected-fireworks-llama-v3p3-70b').getByRole('button', { name: /^Reorder / });
  // dnd-kit announces each step in its live region; waiting on it keeps the keys in step with
  // the sensor (it measures the list after pick-up).
  const announcer = page.locator('[id^="DndLiveRegion"]');
  await handle.focus();
  await page.keyboard.press('Space');
  // Picked up, then at once "over" its own place.
  // Spoken by name and position, never "droppable area" or a raw id.
  await expect(announcer).toContainText(/Picked up Fireworks Llama 3.3 70B, position 3 of 3|Fireworks Llama 3.3 70B is at position 3 of 3/);
  await page.keyboard.press('ArrowUp');
  await expect(announcer).toContainText('Fireworks Llama 3.3 70B is at position 2 of 3');
  await page.keyboard.press('Space');
  await expect(announcer).toContainText('Dropped Fireworks Llama 3.3 70B at position 2 of 3');
  await expect(announcer).not.toContainText(/droppable|fireworks-llama/);
  await expect.poll(() => selectedOrder(page)).toEqual([
    'azure-gpt-4o',
    'fireworks-llama-v3p3-70b',
    'nebius-llama-3.3-70b',
  ]);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(/\/overview$/);
  expect(await priorities(page)).toEqual([
    ['azure-gpt-4o', 1],
    ['fireworks-llama-v3p3-70b', 2],
    ['nebius-llama-3.3-70b', 3],
  ]);
});

test('shows server validation errors beside the field', async ({ page }) => {
  await signIn(page);
  await page.goto('/groups/new');
  await page.getByLabel('Name').fill(GROUP); // taken by the first test
  await page.getByLabel('Add deployments').fill('nebius');
  await page.getByRole('button', { name: 'Add nebius-llama-3.3-70b' }).click();
  await page.getByRole('button', { name: 'Create routing group' }).click();
  const nameField = page.locator('.field', { has: page.getByLabel('Name') });
  await expect(nameField.getByRole('alert')).toBeVisible();
  await expect(page).toHaveURL(/\/groups\/new$/);
});

test('switches a group off in place and deletes it after confirmation', async ({ page }) => {
  await signIn(page);
  const toggle = page.getByRole('switch', { name: `Active: ${GROUP}` });
  await expect(toggle).toBeChecked();
  await toggle.click();
  await page.getByRole('alertdialog', { name: `Turn ${GROUP} off?` }).getByRole('button', { name: 'Turn off' }).click();
  await expect(toggle).not.toBeChecked();
  await page.reload();
  await expect(page.getByRole('switch', { name: `Active: ${GROUP}` })).not.toBeChecked();

  await page.getByRole('button', { name: `Delete ${GROUP}` }).click();
  const dialog = page.getByRole('alertdialog', { name: `Delete ${GROUP}?` });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId(`group-row-${GROUP}`)).toBeVisible();

  await page.getByRole('button', { name: `Delete ${GROUP}` }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId(`group-row-${GROUP}`)).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('group-row-llama-backup')).toBeVisible();
  await expect(page.getByTestId(`group-row-${GROUP}`)).toHaveCount(0);
  expect(await findGroup(page.request, GROUP)).toBeNull();
});

test('signs out, and a rejected key goes back to sign-in', async ({ page }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();

  await page.getByLabel('API key').fill('sk-not-a-real-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(/did not accept that key/)).toBeVisible();
});
