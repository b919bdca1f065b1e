import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4123);
export const MASTER_KEY = 'sk-e2e-master';
const repoRoot = resolve(import.meta.dirname, '..');
// A fresh database per run; set once so worker processes (which reload this file) agree.
process.env.E2E_DATABASE_FILE ??= join(tmpdir(), `routing-groups-e2e-${Date.now()}.db`);

export default defineConfig({
  testDir: '../tests/e2e',
  tsconfig: './tsconfig.e2e.json',
  testMatch: '**/*.spec.ts',
  outputDir: process.env.E2E_OUTPUT_DIR ?? './test-results',
  // One server and one database: the specs run one after another.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's chromium: the machine has no Playwright-downloaded browsers.
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `.venv/bin/python -m gql_server --port ${PORT} --config examples/demo-config.yaml`,
    cwd: repoRoot,
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite+aiosqlite:///${process.env.E2E_DATABASE_FILE}`,
      MASTER_KEY,
      LITELLM_LOCAL_MODEL_COST_MAP: 'True',
      // Two at once, as on a machine with 3+ cores: "Compare" runs its two simulations together.
      SIMULATION_WORKERS: '2',
    },
  },
});
