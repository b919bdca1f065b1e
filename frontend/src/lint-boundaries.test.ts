// The import boundaries eslint.config.js draws between app/, features/ and the shared code:
// each forbidden import is reported, and the allowed ones are not.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: resolve(import.meta.dirname, '..') });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(import.meta.dirname, '..', file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('app/ reaches the simulation feature only through its public entry', async () => {
    for (const path of ['@/features/simulation/components/FlowDiagram', '@/features/simulation/utils/traffic-counts', '../features/simulation/hooks/use-simulation-run']) {
      expect(await restricted('src/app/Probe.tsx', `import { x } from '${path}';\nexport const y = x;\n`)).toHaveLength(1);
    }
    expect(await restricted('src/app/Probe.tsx', "import { TrafficSimulator } from '@/features/simulation';\nexport const y = TrafficSimulator;\n")).toEqual([]);
    expect(await restricted('src/app/Probe.tsx', "import { FlowDiagram } from '@/components/flow/FlowDiagram';\nexport const y = FlowDiagram;\n")).toEqual([]);
  });

  it('features do not import each other or the app', async () => {
    expect(await restricted('src/features/simulation/Probe.ts', "import { x } from '@/features/routing-groups/utils/weights';\nexport const y = x;\n")).toHaveLength(1);
    expect(await restricted('src/features/live-traffic/Probe.ts', "import { x } from '@/app/LiveFlow';\nexport const y = x;\n")).toHaveLength(1);
  });

  it('shared code does not import a feature or the app', async () => {
    expect(await restricted('src/components/flow/Probe.ts', "import { x } from '@/features/simulation/utils/draft';\nexport const y = x;\n")).toHaveLength(1);
    expect(await restricted('src/lib/Probe.ts', "import { x } from '@/app/LiveFlow';\nexport const y = x;\n")).toHaveLength(1);
  });
});
