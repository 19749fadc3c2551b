import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/test-app.js';
import { runCli } from '../../test/support/cli.js';

let env: Record<string, string>;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ env, drop } = await freshDatabase());
});
afterAll(() => drop?.());

function cli(...args: string[]) {
  return runCli(args, env);
}

// Each test starts the CLI one to three times, and every start loads PGlite with PostGIS and
// transpiles the CLI: 10–20 s apiece on a busy 2-core machine, beside the other test worker.
describe('carbon-atlas CLI', { timeout: 240_000 }, () => {
  it('creates and lists organizations, and prints an API key once while storing only its prefix and digest', async () => {
    const created = await cli('org', 'create', '--name', 'Cli Org', '--tier', 'enterprise', '--json');
    expect(created.code).toBe(0);
    const organization = JSON.parse(created.stdout);
    expect(organization).toMatchObject({ name: 'Cli Org', tier: 'enterprise' });

    const listed = await cli('org', 'list', '--json');
    expect(JSON.parse(listed.stdout).map((o: { id: string }) => o.id)).toContain(organization.id);

    const key = await cli('api-key', 'create', '--org', organization.id, '--scopes', 'facilities:read,facilities:write', '--tier', 'standard');
    expect(key.code).toBe(0);
    expect(key.stdout.trim()).toMatch(/^sk_live_[A-Za-z0-9_-]{32}$/);
    expect(key.stderr).toContain('not shown again');

    const keys = await cli('api-key', 'list', '--org', organization.id, '--json');
    const [stored] = JSON.parse(keys.stdout);
    expect(stored).toMatchObject({ scopes: ['facilities:read', 'facilities:write'], tier: 'standard', prefix: key.stdout.trim().slice(0, 14) });
    expect(keys.stdout).not.toContain(key.stdout.trim());
  });

  it('refuses unknown scopes and tiers with a non-zero exit', async () => {
    const badScope = await cli('api-key', 'create', '--org', '00000000-0000-4000-8000-000000000001', '--scopes', 'root');
    expect(badScope.code).not.toBe(0);
    expect(badScope.stderr).toContain('Unknown scope');
    const badTier = await cli('org', 'create', '--name', 'x', '--tier', 'gold');
    expect(badTier.code).not.toBe(0);
  });

  it('seeds demo data idempotently', async () => {
    const first = await cli('seed');
    const second = await cli('seed');
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Demo organization: 00000000-0000-4000-8000-000000000001 (5 facilities, 218 emission records, 3000 plumes)');
    expect(second.stdout).toMatch(/Demo user: demo@carbon-atlas.test \/ demo-\S{16}/);
    const listed = JSON.parse((await cli('org', 'list', '--json')).stdout);
    expect(listed.filter((o: { name: string }) => o.name === 'Carbon Atlas Demo')).toHaveLength(1);
    const keys = JSON.parse((await cli('api-key', 'list', '--org', '00000000-0000-4000-8000-000000000001', '--json')).stdout);
    expect(keys.filter((k: { revoked_at: string | null }) => !k.revoked_at)).toHaveLength(1);
  });

  it('seeds a registry and verifies its chain; makes an organization an operator', async () => {
    await cli('seed');
    const verified = await cli('registry', 'verify', '--json');
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ledger: 'live', valid: true, length: 1, brokenAt: null });
    expect((await cli('registry', 'verify', '--ledger', 'sandbox')).stdout).toContain('sandbox ledger: 0 transactions, chain intact');

    const organization = JSON.parse((await cli('org', 'create', '--name', 'Operator Co', '--json')).stdout);
    const made = await cli('registry', 'operator', '--org', organization.id, '--public');
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain(`${organization.id} is a registry operator`);
  });

  it('imports emission records from NDJSON and CSV files, reporting rejected rows', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const path = await import('node:path');
    const os = await import('node:os');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-import-'));
    const organization = JSON.parse((await cli('org', 'create', '--name', 'Importer', '--json')).stdout);
    const ndjson = path.join(dir, 'records.ndjson');
    await writeFile(ndjson, [1, 2, 3].map((i) => JSON.stringify({ facility_id: 'fac_cli', scope: 1, value: i, timestamp: '2024-01-01T00:00:00Z', external_id: `cli-${i}` })).join('\n'));
    const first = await cli('import', 'emissions', ndjson, '--org', organization.id, '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ received: 3, created: 3, failed: 0 });
    expect(first.stderr).toMatch(/100%\s+3 rows/);
    expect(JSON.parse((await cli('import', 'emissions', ndjson, '--org', organization.id, '--json')).stdout)).toMatchObject({ created: 0, duplicates: 3 });

    const csv = path.join(dir, 'records.csv');
    await writeFile(csv, 'facility_id,scope,value,timestamp\nfac_cli,2,10,2024-02-01T00:00:00Z\nfac_cli,7,10,2024-02-01T00:00:00Z\n');
    const mixed = await cli('import', 'emissions', csv, '--org', organization.id);
    expect(mixed.code).toBe(1);
    expect(mixed.stdout).toContain('2 records: 1 created, 0 already stored, 1 rejected');
    expect(mixed.stdout).toContain('row 3: scope');
  });

  it('imports plumes from the public CSV format, with progress', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const path = await import('node:path');
    const os = await import('node:os');
    const { FIXTURE_CSV } = await import('../modules/catalog/catalog.fixture.js');
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-plumes-')), 'plumes.csv');
    await writeFile(file, FIXTURE_CSV);
    const result = await cli('import', 'plumes', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/100%\s+8 rows, 1 rejected/);
    expect(result.stdout).toContain('8 plumes: 7 created, 0 updated, 1 rejected');
    expect(result.stdout).toContain('row 9: gas: CH4 or CO2');
  });

  it('reports an invalid configuration before touching the database', async () => {
    const result = await runCli(['migrate'], { ...env, PORT: 'eighty', BOOTSTRAP_API_KEY: 'short' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT: must be integer');
    expect(result.stderr).toContain('BOOTSTRAP_API_KEY');
  });
});
