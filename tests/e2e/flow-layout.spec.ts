// Flow diagrams laid out by the shared dagre layout fit a big group at 1440 px: 20 deployments
// in priority tiers, in the builder's preview (the group overview) and in the simulator.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { graphql, signIn } from './ui-helpers';

const COUNT = 20;
// Tiers of one and two deployments: 1 1, 2, 3 3, 4, 5 5, ...
const PRIORITIES = Array.from({ length: COUNT }, (_, i) => 1 + Math.floor((i * 3) / 5));

interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

async function boxes(items: Locator, idAttribute: string): Promise<Box[]> {
  return items.evaluateAll(
    (els, attr) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { id: el.getAttribute(attr) ?? el.textContent ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    idAttribute,
  );
}

function overlapping(all: Box[]): string[] {
  const out: string[] = [];
  all.forEach((a, i) =>
    all.slice(i + 1).forEach((b) => {
      if (a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1) {
        out.push(`${a.id} overlaps ${b.id}`);
      }
    }),
  );
  return out;
}

function outside(all: Box[], frame: Box): string[] {
  return all
    .filter((b) => b.x < frame.x - 1 || b.y < frame.y - 1 || b.x + b.width > frame.x + frame.width + 1 || b.y + b.height > frame.y + frame.height + 1)
    .map((b) => `${b.id} sticks out of the diagram`);
}

/** Text cut by its box (an ellipsis or overflow), as "label: shown width < needed width". */
async function clippedText(scope: Locator, selector: string): Promise<string[]> {
  return scope.locator(selector).evaluateAll((els) =>
    els.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => `${el.textContent}: ${el.clientWidth} < ${el.scrollWidth}`),
  );
}

async function frameOf(page: Page, testId: string): Promise<Box> {
  const r = await page.getByTestId(testId).boundingBox();
  expect(r).not.toBeNull();
  return { id: testId, ...r! };
}

test('20 deployments in priority tiers: no overlapping nodes, nothing clipped, readable text', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const stamp = Date.now();
  const ids = Array.from({ length: COUNT }, (_, i) => `flow-${stamp}-${String(i + 1).padStart(2, '0')}`);
  for (const [i, modelId] of ids.entries()) {
    await graphql(
      page.request,
      `mutation($input: DeploymentInput!) { createDeployment(input: $input) { __typename } }`,
      {
        input: {
          modelId,
          modelName: 'openai/gpt-4o-mini',
          provider: 'openai',
          displayName: `Mock deployment ${String(i + 1).padStart(2, '0')}`,
          mockResponse: 'ok',
        },
      },
    );
  }
  const created = await graphql<{ createRoutingGroup: { __typename: string; routingGroupId?: string } }>(
    page.request,
    `mutation($input: RoutingGroupInput!) { createRoutingGroup(input: $input) {
       __typename ... on RoutingGroup { routingGroupId } } }`,
    {
      input: {
        routingGroupName: `flow-${stamp}`,
        routingStrategy: 'PRIORITY_FAILOVER',
        deployments: ids.map((modelId, i) => ({ modelId, priority: PRIORITIES[i] })),
      },
    },
  );
  expect(created.createRoutingGroup.__typename).toBe('RoutingGroup');
  const groupId = created.createRoutingGroup.routingGroupId as string;

  await signIn(page);
  await page.goto(`/groups/${groupId}/overview`);
  const preview = page.getByTestId('flow-preview');
  await expect(preview).toContainText('All failed');
  await preview.scrollIntoViewIfNeeded();
  const frame = await frameOf(page, 'flow-preview');
  const nodes = await boxes(preview.getByTestId('flow-preview-node'), 'data-node-id');
  // Request, 12 tiers with a response each, and "All failed".
  expect(nodes.length).toBe(1 + 2 * new Set(PRIORITIES).size + 1);
  const labels = await boxes(preview.getByTestId('flow-preview-edge-label'), 'data-none');
  expect(overlapping(nodes)).toEqual([]);
  expect(overlapping([...nodes, ...labels])).toEqual([]);
  expect(outside([...nodes, ...labels], frame)).toEqual([]);
  expect(await clippedText(preview, '.flow-node-label, .flow-node-detail, .flow-edge-label')).toEqual([]);
  const zoom = Number(await preview.getAttribute('data-zoom'));
  expect(12 * zoom).toBeGreaterThanOrEqual(11);

  await page.goto(`/groups/${groupId}/simulator`);
  const diagram = page.getByTestId('flow-diagram');
  await expect(diagram.getByTestId('flow-node')).toHaveCount(COUNT + 3);
  const simFrame = await frameOf(page, 'flow-diagram');
  const simNodes = await boxes(diagram.getByTestId('flow-node'), 'data-node-id');
  expect(overlapping(simNodes)).toEqual([]);
  expect(outside(simNodes, simFrame)).toEqual([]);
  expect(await clippedText(diagram, '.flow-node-label')).toEqual([]);
  const simZoom = Number(await diagram.getAttribute('data-zoom'));
  expect(15 * simZoom).toBeGreaterThanOrEqual(12);
});
