// Fails when src/gql is stale: regenerates into a temp dir and compares file by file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const committed = 'src/gql';
const fresh = mkdtempSync(join(tmpdir(), 'codegen-'));
try {
  try {
    execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CODEGEN_OUT: `${fresh}/` },
    });
  } catch {
    console.error("graphql-codegen failed: run 'npm run codegen' to see why.");
    process.exit(1);
  }
  const names = new Set([...readdirSync(committed), ...readdirSync(fresh)]);
  const stale = [...names].filter((name) => {
    try {
      return readFileSync(join(committed, name), 'utf8') !== readFileSync(join(fresh, name), 'utf8');
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`src/gql is stale (${stale.join(', ')}): run 'npm run codegen' and commit.`);
    process.exit(1);
  }
  console.log('src/gql is up to date.');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
