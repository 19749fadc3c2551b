import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/test-app.js';
import { runCli, spawnCli, type CliResult } from '../../test/support/cli.js';
import { FIXTURE_CSV } from '../modules/catalog/catalog.fixture.js';

/**
 * Every documented command while `serve` runs on the same data: on the embedded database they run
 * through the server's control socket (PGlite allows one process per data directory), on
 * PostgreSQL they connect directly. One server for the whole file.
 */
const DEMO = '00000000-0000-4000-8000-000000000001';
let env: Record<string, string>;
let drop: () => Promise<void>;
let files: string;
let server: ReturnType<typeof spawnCli>;
let exited: Promise<number | null>;
let base: string;
let demoKey: string;
let demoPassword: string;

beforeAll(async () => {
  ({ env, drop } = await freshDatabase());
  files = await mkdtemp(path.join(os.tmpdir(), 'carbon-atlas-cli-files-'));
  server = spawnCli(['serve', '--seed'], { ...env, PORT: '0', LOG_LEVEL: 'warn' });
  exited = new Promise((resolve) => server.on('close', resolve));
  let stdout = '';
  let stderr = '';
  server.stderr.on('data', (chunk) => (stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    server.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stdout} ${stderr}`)));
    server.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (/listening on http/.test(stdout)) resolve();
    });
  });
  base = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
  demoKey = /Demo API key \(shown once, previous demo key revoked\): (\S+)/.exec(stdout)![1]!;
  demoPassword = /Demo user: demo@carbon-atlas\.test \/ (\S+)/.exec(stdout)![1]!;
}, 300_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  if (exited) expect(await exited).toBe(0);
  await rm(files, { recursive: true, force: true });
  await drop?.();
});

function cli(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { ...env, ...extra });
}

function withStdin(args: string[], input: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function http(pathname: string, init: RequestInit & { key?: string } = {}) {
  const { key, ...rest } = init;
  return fetch(`${base}${pathname}`, { ...rest, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(rest.body ? { 'content-type': 'application/json' } : {}) } });
}

describe('the CLI beside a running server', { timeout: 240_000 }, () => {
  it('creates organizations, keys and users the running server accepts at once', async () => {
    const created = await cli(['org', 'create', '--name', 'Beside Co', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const org = JSON.parse(created.stdout) as { id: string };
    const [listed, key] = await Promise.all([
      cli(['org', 'list']),
      cli(['api-key', 'create', '--org', org.id, '--scopes', 'facilities:read', '--tier', 'standard']),
    ]);
    expect(listed.stdout).toContain(`${org.id}\tBeside Co\tstandard`);
    expect(key.code, key.stderr).toBe(0);
    expect(key.stderr).toContain('not shown again');
    const secret = key.stdout.trim();
    expect((await http('/v1/facilities', { key: secret })).status).toBe(200);

    const keys = JSON.parse((await cli(['api-key', 'list', '--org', org.id, '--json'])).stdout) as { id: string }[];
    const revoked = await cli(['api-key', 'revoke', '--org', org.id, keys[0]!.id]);
    expect(revoked.stdout.trim()).toBe(`Revoked ${keys[0]!.id}`);
    expect((await cli(['api-key', 'list', '--org', org.id])).stdout).toContain('\trevoked\t');

    const [fromEnv, fromStdin] = await Promise.all([
      cli(['user', 'create', '--email', 'ana@beside.test', '--org', org.id, '--role', 'admin'], { CARBON_ATLAS_PASSWORD: 'Ana-pass-1234' }),
      withStdin(['user', 'create', '--email', 'ben@beside.test', '--org', org.id], 'Ben-pass-1234\n'),
    ]);
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout).toContain(`ana@beside.test\tadmin of ${org.id}`);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    for (const [email, password] of [['ana@beside.test', 'Ana-pass-1234'], ['ben@beside.test', 'Ben-pass-1234']]) {
      const pair = await http('/api/v1/token/pair', { method: 'POST', body: JSON.stringify({ email, password }) });
      expect(pair.status).toBe(200);
    }
  });

  it('imports files read by the caller, with progress lines, and reports rejected rows with exit 1', async () => {
    const ndjson = path.join(files, 'records.ndjson');
    await writeFile(ndjson, [1, 2, 3].map((i) => JSON.stringify({ facility_id: 'fac_cli', scope: 1, value: i, timestamp: '2024-01-01T00:00:00Z', external_id: `beside-${i}` })).join('\n'));
    const csv = path.join(files, 'plumes.csv');
    await writeFile(csv, FIXTURE_CSV);
    const [records, plumes] = await Promise.all([cli(['import', 'emissions', ndjson, '--org', DEMO, '--json']), cli(['import', 'plumes', csv])]);
    expect(records.code, records.stderr).toBe(0);
    expect(JSON.parse(records.stdout)).toMatchObject({ received: 3, created: 3, failed: 0 });
    expect(records.stderr).toMatch(/^100%\s+3 rows, 0 rejected/m);
    expect(records.stderr).not.toContain('\r');
    expect(plumes.code).toBe(1);
    expect(plumes.stdout).toContain('8 plumes: 7 created, 0 updated, 1 rejected');
    expect(plumes.stdout).toContain('row 9: gas: CH4 or CO2');

    const demo = await cli(['demo-plumes', '--count', '200', '--seed', '7']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/^200 plumes in \d+ scenes \(seed 7\)\.$/m);
  });

  it('lists the e-mail outbox, whose verification link leads to a page of this server', async () => {
    const registered = await http('/api/v1/account/register', {
      method: 'POST',
      body: JSON.stringify({ email: 'new@beside.test', password1: '3v@b8cG4', password2: '3v@b8cG4', first_name: 'New', last_name: 'User' }),
    });
    expect(registered.status).toBeLessThan(300);
    const listed = await cli(['mail', 'list', '--to', 'new@beside.test']);
    expect(listed.code).toBe(0);
    const link = /(http:\/\/\S+\/account\/verify\?uidb64=\S+&token=\S+)/.exec(listed.stdout)?.[1];
    expect(link, listed.stdout).toBeDefined();
    const page = await fetch(`${base}${new URL(link!).pathname}${new URL(link!).search}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/api/v1/account/register_verify');

    const send = await cli(['mail', 'send']);
    expect(send.code).toBe(1);
    expect(send.stderr).toContain('Set SMTP_URL to send mail');
  });

  it('verifies the registry, migrates, recalculates, and re-seeds with a new key and password', async () => {
    const [verify, migrate, recalculate] = await Promise.all([cli(['registry', 'verify', '--json']), cli(['migrate']), cli(['recalculate'])]);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ledger: 'live', valid: true });
    expect(migrate.stdout).toContain('Database schema is up to date');
    expect(recalculate.stdout).toContain('Every calculated emission uses the current factor library.');
    const org = JSON.parse((await cli(['org', 'create', '--name', 'Operator Beside', '--json'])).stdout) as { id: string };
    expect((await cli(['registry', 'operator', '--org', org.id, '--public'])).stdout).toContain(`${org.id} is a registry operator`);

    const seeded = await cli(['seed']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain(`Demo organization: ${DEMO} (5 facilities, 218 emission records, 3000 plumes)`);
    const newKey = /Demo API key \(shown once, previous demo key revoked\): (\S+)/.exec(seeded.stdout)![1]!;
    const newPassword = /Demo user: demo@carbon-atlas\.test \/ (\S+)/.exec(seeded.stdout)![1]!;
    expect(newKey).not.toBe(demoKey);
    expect((await http('/v1/whoami', { key: newKey })).status).toBe(200);
    const keys = JSON.parse((await cli(['api-key', 'list', '--org', DEMO, '--json'])).stdout) as { prefix: string; revoked_at: string | null }[];
    expect(keys.find((key) => demoKey.startsWith(key.prefix))?.revoked_at).toBeTruthy();
    expect(newPassword).not.toBe(demoPassword);
    demoKey = newKey;
    demoPassword = newPassword;
  });

  it('refuses bad arguments with messages a person can act on, before touching the database', async () => {
    const [org, file, tier, version, help] = await Promise.all([
      cli(['api-key', 'list', '--org', 'Acme']),
      cli(['import', 'emissions', path.join(files, 'missing.ndjson'), '--org', DEMO]),
      cli(['org', 'create', '--name', 'x', '--tier', 'gold']),
      cli(['--version']),
      cli(['serve', '--help']),
    ]);
    expect(org.code).toBe(1);
    expect(org.stderr).toContain('--org must be an organization id; see `org list`');
    expect(file.code).toBe(1);
    expect(file.stderr.trim()).toBe(`File not found: ${path.join(files, 'missing.ndjson')}`);
    expect(tier.code).toBe(1);
    expect(tier.stderr).toContain('Allowed choices are standard, enterprise');
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    for (const variable of ['PORT', 'DATA_DIR', 'DATABASE_URL', 'BOOTSTRAP_API_KEY', 'PUBLIC_URL']) expect(help.stdout).toContain(variable);
  });

  it('names DATABASE_URL and its host when PostgreSQL cannot be reached', async () => {
    const result = await cli(['org', 'list'], { DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none', DB_CONNECT_TIMEOUT_MS: '2000' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot reach PostgreSQL at 127.0.0.1:1/none, the server named by DATABASE_URL');
    expect(result.stderr).not.toContain('secret');
  });

  it.runIf(Boolean(process.env.DATABASE_URL))('names the port and PORT when another server holds it', async () => {
    const port = new URL(base).port;
    const second = await cli(['serve'], { PORT: port });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(second.stderr).toContain('set PORT');
  });

  it('serves the demo data: a home page, CO2e, emissions over three scopes, a signed-in demo user, a public project page', async () => {
    const home = await http('/');
    expect(home.status).toBe(200);
    // The built console (npm run build made it): its page, with a strict CSP and a way to the API reference.
    expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(home.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const html = await home.text();
    expect(html).toContain('<div id="app"></div>');
    expect(html).toContain('href="/docs"');

    const facilities = (await (await http('/v1/facilities?size=100', { key: demoKey })).json()) as { items: { co2e: number }[] };
    expect(facilities.items.filter((f) => f.co2e > 0)).toHaveLength(4);
    const emissions = (await (await http('/v2/emissions?start_date=2024-01-01&end_date=2024-12-31&scope=1,2,3&limit=100', { key: demoKey })).json()) as { data: { scope: number }[] };
    expect(new Set(emissions.data.map((e) => e.scope))).toEqual(new Set([1, 2, 3]));

    const pair = await http('/api/v1/token/pair', { method: 'POST', body: JSON.stringify({ email: 'demo@carbon-atlas.test', password: demoPassword }) });
    expect(pair.status).toBe(200);

    const inventory = (await (await http(`/organizations/${DEMO}/inventory`, { key: demoKey })).json()) as { credits: { project: { publicUrl: string; fullName: string } }[] };
    const project = inventory.credits[0]!.project;
    const page = await fetch(`${base}${new URL(project.publicUrl).pathname}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(project.fullName);
  });
});
