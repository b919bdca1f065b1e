// The tester and the traffic simulator in a real browser against the real server (demo config:
// mock deployments, so nothing leaves the machine). The simulation's summary is read off the
// websocket itself, so the page's numbers are checked against what the server sent, not
// against other numbers on the page.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

const MASTER_KEY = process.env.MASTER_KEY ?? 'sk-e2e-master';
const NEBIUS = 'nebius-llama-3.3-70b';
const FIREWORKS = 'fireworks-llama-v3p3-70b';
const AZURE = 'azure-gpt-4o';

interface FlowStep {
  fromDeployment: string | null;
  toDeployment: string | null;
  requestCount: number;
  reason: string;
}

interface Summary {
  simulationId: string;
  totalRequests: number;
  successfulRequests: number;
  failedRequests: number;
  cancelled: boolean;
  durationMs: number;
  avgLatencyMs: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  p99LatencyMs: number;
  trafficDistribution: {
    deploymentId: string;
    requestCount: number;
    successCount: number;
    failureCount: number;
    avgLatencyMs: number;
    percentOfTotal: number;
  }[];
  flowData: FlowStep[];
}

/** testDir is <repo>/tests/e2e. */
function repoPath(path: string): string {
  return resolve(test.info().config.rootDir, '../..', path);
}

async function graphql<T>(request: APIRequestContext, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await request.post('/graphql', {
    headers: { authorization: `Bearer ${MASTER_KEY}` },
    data: { query, variables },
  });
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { data?: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

async function createFailoverGroup(request: APIRequestContext, name: string): Promise<string> {
  const data = await graphql<{ createRoutingGroup: { __typename: string; routingGroupId?: string; message?: string } }>(
    request,
    `mutation Create($input: RoutingGroupInput!) {
      createRoutingGroup(input: $input) {
        __typename
        ... on RoutingGroup { routingGroupId }
        ... on Error { message }
      }
    }`,
    {
      input: {
        routingGroupName: name,
        routingStrategy: 'PRIORITY_FAILOVER',
        deployments: [
          { modelId: NEBIUS, priority: 1 },
          { modelId: FIREWORKS, priority: 2 },
          { modelId: AZURE, priority: 3 },
        ],
        retryConfig: { numRetries: 0 },
        // Cooldowns off: with a seed, the run's counts do not depend on timing.
        cooldownConfig: { allowedFails: 3, cooldownTimeSeconds: 0 },
      },
    },
  );
  expect(data.createRoutingGroup.__typename, data.createRoutingGroup.message).toBe('RoutingGroup');
  return data.createRoutingGroup.routingGroupId as string;
}

/** Summaries the page received over graphql-ws, parsed from the raw frames. */
function captureSummaries(page: Page): Summary[] {
  const summaries: Summary[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string' || !payload.includes('SimulationSummary')) return;
      const message = JSON.parse(payload) as {
        type: string;
        payload?: { data?: { simulateTraffic?: { __typename: string } } };
      };
      const event = message.payload?.data?.simulateTraffic;
      if (message.type === 'next' && event?.__typename === 'SimulationSummary') summaries.push(event as unknown as Summary);
    });
  });
  return summaries;
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`/#key=${MASTER_KEY}`);
}

async function openTab(page: Page, groupId: string, tab: string): Promise<void> {
  await page.goto(`/groups/${groupId}/${tab}`);
}

async function setSimulation(
  page: Page,
  options: { requests: number; concurrency: number; seed?: number; latencyMs?: number; nebiusFailure?: number },
): Promise<void> {
  await page.getByLabel('Number of requests').fill(String(options.requests));
  await page.getByLabel('Concurrency').fill(String(options.concurrency));
  await page.getByLabel('Seed').fill(options.seed === undefined ? '' : String(options.seed));
  if (options.nebiusFailure !== undefined) {
    await page.getByLabel(`Failure rate for ${NEBIUS}`).fill(String(options.nebiusFailure));
    await page.getByLabel(`Error kind for ${NEBIUS}`).selectOption('RATE_LIMIT');
  }
  for (const id of [NEBIUS, FIREWORKS, AZURE]) {
    await page.getByLabel(`Latency mean for ${id}`).fill(options.latencyMs === undefined ? '' : String(options.latencyMs));
  }
}

/** Records every text the live counter shows, from inside the page. */
async function recordCounter(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __counterSamples: string[] }).__counterSamples = seen;
    const counter = document.querySelector('[data-testid="sim-counter"]');
    if (!counter) throw new Error('no counter');
    new MutationObserver(() => seen.push(counter.getAttribute('data-completed') ?? '')).observe(counter, {
      attributes: true,
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
}

function edgeId(step: FlowStep): string | null {
  // The diagram's grouping (src/features/simulation/utils/flow-diagram.ts): one edge per
  // (kind, source, target); retries that stay on a deployment are a badge on its node.
  const kind =
    step.reason === 'primary'
      ? 'primary'
      : step.reason === 'success'
        ? 'success'
        : step.reason === 'failed' || step.toDeployment === null || step.fromDeployment === null
          ? 'failed'
          : step.reason.startsWith('fallback_')
            ? 'fallback'
            : 'retry';
  if (kind === 'retry' && step.fromDeployment === step.toDeployment) return null;
  const source = step.fromDeployment === null ? 'entry' : `dep:${step.fromDeployment}`;
  const target = kind === 'success' ? 'response' : kind === 'failed' ? 'failed' : `dep:${step.toDeployment}`;
  return `${kind}:${source}->${target}`;
}

async function expectPageShowsSummary(page: Page, summary: Summary): Promise<void> {
  const stat = (id: string) => page.getByTestId(`stat-${id}`);
  await expect(stat('total')).toHaveAttribute('data-value', String(summary.totalRequests));
  await expect(stat('successful')).toHaveAttribute('data-value', String(summary.successfulRequests));
  await expect(stat('failed')).toHaveAttribute('data-value', String(summary.failedRequests));
  await expect(stat('avg')).toHaveAttribute('data-value', String(summary.avgLatencyMs));
  await expect(stat('p50')).toHaveAttribute('data-value', String(summary.p50LatencyMs));
  await expect(stat('p95')).toHaveAttribute('data-value', String(summary.p95LatencyMs));
  await expect(stat('p99')).toHaveAttribute('data-value', String(summary.p99LatencyMs));
  await expect(page.getByTestId('sim-counter')).toHaveAttribute('data-completed', String(summary.totalRequests));
  // The live counters reached the summary on their own before the display switched to it.
  await expect(page.getByTestId('sim-check')).toHaveAttribute('data-mismatches', '0');

  // The chart's numbers.
  const rows = await page.getByTestId('deployment-row').evaluateAll((els) =>
    els.map((el) => ({
      deploymentId: el.getAttribute('data-deployment-id'),
      requestCount: Number(el.getAttribute('data-requests')),
      successCount: Number(el.getAttribute('data-success')),
      failureCount: Number(el.getAttribute('data-failure')),
      avgLatencyMs: Number(el.getAttribute('data-avg-latency')),
      percentOfTotal: Number(el.getAttribute('data-percent')),
    })),
  );
  expect(rows).toEqual(
    summary.trafficDistribution.map((d) => ({
      deploymentId: d.deploymentId,
      requestCount: d.requestCount,
      successCount: d.successCount,
      failureCount: d.failureCount,
      avgLatencyMs: d.avgLatencyMs,
      percentOfTotal: d.percentOfTotal,
    })),
  );

  // The diagram's numbers: every flow step, and every edge and node drawn.
  const steps = await page.getByTestId('flow-step').evaluateAll((els) =>
    els.map((el) => ({
      fromDeployment: el.getAttribute('data-from') || null,
      toDeployment: el.getAttribute('data-to') || null,
      requestCount: Number(el.getAttribute('data-count')),
      reason: el.getAttribute('data-reason'),
    })),
  );
  expect(steps).toEqual(summary.flowData);

  const expectedEdges: Record<string, number> = {};
  for (const step of summary.flowData) {
    const id = edgeId(step);
    if (id) expectedEdges[id] = (expectedEdges[id] ?? 0) + step.requestCount;
  }
  const edges = await page.getByTestId('flow-edge').evaluateAll((els) =>
    Object.fromEntries(els.map((el) => [el.getAttribute('data-edge-id'), Number(el.getAttribute('data-count'))])),
  );
  expect(edges).toEqual(expectedEdges);

  const nodes = await page.getByTestId('flow-node').evaluateAll((els) =>
    Object.fromEntries(els.map((el) => [el.getAttribute('data-node-id'), Number(el.getAttribute('data-count'))])),
  );
  expect(nodes).toMatchObject({
    entry: summary.totalRequests,
    response: summary.successfulRequests,
    failed: summary.failedRequests,
    ...Object.fromEntries(summary.trafficDistribution.map((d) => [`dep:${d.deploymentId}`, d.requestCount])),
  });
}

test.describe('simulation UI', () => {
  test.describe.configure({ mode: 'serial' });
  let groupId = '';

  test.beforeAll(async ({ request }) => {
    groupId = await createFailoverGroup(request, `e2e-sim-${Date.now()}`);
  });

  test('the live tester draws a fallback from a failing Nebius to Fireworks', async ({ page }) => {
    await signIn(page);
    await openTab(page, groupId, 'tester');
    await expect(page.getByLabel('Message')).toHaveValue('Hello, respond with one word.');
    await page.getByRole('checkbox', { name: new RegExp(`Fail .*${NEBIUS}`) }).check();
    await page.getByLabel(`Error kind for ${NEBIUS}`).selectOption('RATE_LIMIT');
    await page.getByRole('button', { name: 'Send (mock)' }).click();

    await expect(page.getByTestId('test-answer')).toContainText('Hello from Fireworks AI (mock).');
    await expect(page.getByTestId('trace-attempt')).toHaveCount(2);
    await expect(page.getByTestId('trace-attempt').first()).toHaveAttribute('data-status', 'ERROR');
    await expect(page.getByTestId('trace-transition')).toHaveText('↓ fallback triggered (rate limit)');
    await page.screenshot({ path: repoPath('docs/tester.png'), fullPage: true });
  });

  test('the seed scenario grows live and ends on exactly the server summary', async ({ page }) => {
    test.setTimeout(120_000);
    const summaries = captureSummaries(page);
    await signIn(page);
    await openTab(page, groupId, 'simulator');
    // Latency makes the 500 requests take a few seconds, so there is growth to watch.
    await setSimulation(page, { requests: 500, concurrency: 5, seed: 42, latencyMs: 20, nebiusFailure: 50 });
    await recordCounter(page);
    await page.getByRole('button', { name: 'Run' }).click();

    await expect(page.getByTestId('sim-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
    expect(summaries).toHaveLength(1);
    const summary = summaries[0]!;
    expect(summary.cancelled).toBe(false);
    expect(summary.totalRequests).toBe(500);
    // Nebius fails about half the time and hands those requests to Fireworks.
    const nebius = summary.trafficDistribution.find((d) => d.deploymentId === NEBIUS)!;
    expect(nebius.failureCount / nebius.requestCount).toBeGreaterThan(0.35);
    expect(nebius.failureCount / nebius.requestCount).toBeLessThan(0.65);
    await expectPageShowsSummary(page, summary);

    const samples = (await page.evaluate(() => (window as unknown as { __counterSamples: string[] }).__counterSamples)).map(Number);
    const intermediate = new Set(samples.filter((n) => n > 0 && n < 500));
    expect(intermediate.size, `counter values seen: ${[...new Set(samples)].join(', ')}`).toBeGreaterThanOrEqual(3);
    expect(samples).toEqual([...samples].sort((a, b) => a - b));
    await page.screenshot({ path: repoPath('docs/simulator-finished.png'), fullPage: true });
  });

  test('Stop ends a long run early with a cancelled summary', async ({ page }) => {
    test.setTimeout(180_000);
    const summaries = captureSummaries(page);
    await signIn(page);
    await openTab(page, groupId, 'simulator');
    await setSimulation(page, { requests: 20_000, concurrency: 20, seed: 7, latencyMs: 5, nebiusFailure: 50 });
    await page.getByRole('button', { name: 'Run' }).click();

    const counter = page.getByTestId('sim-counter');
    await expect
      .poll(async () => Number(await counter.getAttribute('data-completed')), { timeout: 60_000 })
      .toBeGreaterThan(1_000);
    await page.screenshot({ path: repoPath('docs/simulator-running.png'), fullPage: true });
    await page.getByRole('button', { name: 'Stop' }).click();

    await expect(page.getByTestId('sim-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
    expect(summaries).toHaveLength(1);
    const summary = summaries[0]!;
    expect(summary.cancelled).toBe(true);
    expect(summary.totalRequests).toBeLessThan(20_000);
    await expectPageShowsSummary(page, summary);
  });

  test('a 20,000-request mock run never blocks the page for long', async ({ page }) => {
    // The server streams a mock request in a few milliseconds of CPU; on a busy 2-core
    // machine 20,000 of them take minutes.
    test.setTimeout(900_000);
    await page.addInitScript(() => {
      const durations: number[] = [];
      (window as unknown as { __longTasks: number[] }).__longTasks = durations;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) durations.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const summaries = captureSummaries(page);
    await signIn(page);
    await openTab(page, groupId, 'simulator');
    await setSimulation(page, { requests: 20_000, concurrency: 50, seed: 11, nebiusFailure: 50 });
    // Only the run counts, not loading the page.
    await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.splice(0));
    const started = Date.now();
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.getByTestId('sim-status')).toHaveAttribute('data-status', 'completed', { timeout: 880_000 });
    const wallMs = Date.now() - started;
    await expectPageShowsSummary(page, summaries[0]!);

    const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    const result = {
      requests: 20_000,
      longTasks: longTasks.length,
      maxLongTaskMs: Math.max(0, ...longTasks),
      totalLongTaskMs: longTasks.reduce((a, b) => a + b, 0),
      runWallMs: wallMs,
      serverDurationMs: summaries[0]!.durationMs,
    };
    console.log(`longtask: ${JSON.stringify(result)}`);
    const out = repoPath('test-results/longtask.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    // A measurement, not an assertion (timings vary by machine): `make bench` prints it, and
    // the budget is "no long task over 200 ms".
  });
});
