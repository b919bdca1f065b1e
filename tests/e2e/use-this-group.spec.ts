// "Use this group": the snippet, with a key picked on the page, runs as copied; the response
// headers it lists are the ones a real answer carries. And a sign-in link opened in a tab that
// is already on the sign-in page signs in without a reload.
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { MASTER_KEY, createGroupViaApi, graphql, signIn } from './ui-helpers';

test('the curl snippet works as copied, with the key just made, and lists only headers the gateway sends', async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page);

  // A key made on the Keys page, in this tab.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys' }).click();
  await page.getByLabel('Key name').fill('snippet-key');
  await page.getByRole('button', { name: 'Generate key' }).click();
  const dialog = page.getByRole('dialog');
  const key = await dialog.getByLabel('API key').inputValue();
  await dialog.getByRole('button', { name: 'I have copied the key' }).click();

  // A group this key may call (giving access through the UI is the access story's part).
  const name = `e2e-snippet-${Date.now()}`;
  const groupId = await createGroupViaApi(request, name);
  const { keys } = await graphql<{ keys: { keyId: string; keyAlias: string | null }[] }>(request, '{ keys { keyId keyAlias } }');
  const keyId = keys.find((k) => k.keyAlias === 'snippet-key')!.keyId;
  await graphql(request, `mutation($id: ID!, $keys: [ID!]) { updateRoutingGroup(id: $id, input: { assignedKeyIds: $keys }) { __typename } }`, {
    id: groupId,
    keys: [keyId],
  });

  // In-app navigation: the key made in this tab is kept in memory only, never stored.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
  await page.getByRole('link', { name, exact: true }).click();
  const use = page.getByRole('region', { name: 'Use this group' });
  await use.getByRole('tab', { name: 'curl' }).click();
  await use.getByLabel('Key', { exact: true }).selectOption({ label: 'snippet-key (made in this tab)' });
  // Shown shortened on screen; copied whole.
  await expect(use.getByTestId('use-key-barred')).toHaveCount(0);
  await expect(use.getByTestId('use-snippet')).not.toContainText(key);
  await use.locator('.code-block').getByRole('button', { name: 'Copy' }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(key);

  // Run it exactly as copied (curl -i: headers, then the body).
  const output = execFileSync('bash', ['-c', copied], { encoding: 'utf8', timeout: 60_000 });
  const [head = '', body = ''] = output.split(/\r?\n\r?\n/, 2);
  expect(head).toMatch(/^HTTP\/1\.1 200/);
  expect(JSON.parse(body).choices[0].message.content).toBeTruthy();
  const sent = new Set(
    head
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(':')[0]!.trim().toLowerCase()),
  );
  const listed = await use.locator('ul.plain-list').first().locator('code').allTextContents();
  expect(listed.length).toBeGreaterThan(0);
  for (const name of listed) expect(sent, `the page lists ${name}`).toContain(name);
});

test('a #key= link opened in a tab already on the sign-in page signs in without a reload', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await page.evaluate(() => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });
  await page.goto(`/#key=${MASTER_KEY}`);
  await expect(page.getByRole('heading', { name: 'Routing groups' })).toBeVisible();
  expect(page.url()).not.toContain(MASTER_KEY);
  // The same document: no reload happened.
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});
