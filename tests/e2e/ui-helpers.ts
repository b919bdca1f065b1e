import { expect, type APIRequestContext, type Page } from '@playwright/test';

// Must match MASTER_KEY in frontend/playwright.config.ts (the server's env for the run).
export const MASTER_KEY = 'sk-e2e-master';

export const USER_STORY_DEPLOYMENTS = [
  'nebius-llama-3.3-70b',
  'fireworks-llama-v3p3-70b',
  'azure-gpt-4o',
] as const;

/** Signs in the way the start-up link does, and lands on the routing-group list. */
export async function signIn(page: Page): Promise<void> {
  await page.goto(`/#key=${MASTER_KEY}`);
  await expect(page.getByRole('heading', { name: 'Routing groups' })).toBeVisible();
  expect(page.url()).not.toContain(MASTER_KEY);
}

export async function graphql<T>(
  request: APIRequestContext,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await request.post('/graphql', {
    headers: { authorization: `Bearer ${MASTER_KEY}` },
    data: { query, variables },
  });
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

interface SavedGroup {
  routingGroupId: string;
  routingGroupName: string;
  routingStrategy: string;
  deployments: { modelId: string; priority: number | null }[];
}

export async function findGroup(request: APIRequestContext, name: string): Promise<SavedGroup | null> {
  const data = await graphql<{ routingGroup: SavedGroup | null }>(
    request,
    `query($name: String) { routingGroup(name: $name) {
       routingGroupId routingGroupName routingStrategy deployments { modelId priority } } }`,
    { name },
  );
  return data.routingGroup;
}

/** Creates a priority-failover group over the user story's deployments through the API. */
export async function createGroupViaApi(request: APIRequestContext, name: string): Promise<string> {
  const data = await graphql<{ createRoutingGroup: { __typename: string; routingGroupId?: string } }>(
    request,
    `mutation($input: RoutingGroupInput!) { createRoutingGroup(input: $input) {
       __typename ... on RoutingGroup { routingGroupId } } }`,
    {
      input: {
        routingGroupName: name,
        routingStrategy: 'PRIORITY_FAILOVER',
        deployments: USER_STORY_DEPLOYMENTS.map((modelId, i) => ({ modelId, priority: i + 1 })),
      },
    },
  );
  expect(data.createRoutingGroup.__typename).toBe('RoutingGroup');
  return data.createRoutingGroup.routingGroupId as string;
}

/** Real /v1 traffic: `count` chat completions to the group, as a developer's client sends them. */
export async function sendTraffic(request: APIRequestContext, model: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const response = await request.post('/v1/chat/completions', {
      headers: { authorization: `Bearer ${MASTER_KEY}` },
      data: { model, messages: [{ role: 'user', content: `Hello ${i}` }] },
    });
    expect(response.status()).toBe(200);
  }
}
