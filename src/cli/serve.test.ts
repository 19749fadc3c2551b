import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/test-app.js';
import { spawnCli } from '../../test/support/cli.js';

let env: Record<string, string>;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ env, drop } = await freshDatabase());
});
afterAll(() => drop?.());

const BOOTSTRAP = 'bootstrap-key-for-the-serve-test-0123456789';

// Seeding (3,000 plumes, a year of consumption) in a child on a loaded 2-core machine can take a minute.
describe('carbon-atlas serve --seed', { timeout: 240_000 }, () => {
  it('serves demo data with the bootstrap key over a real socket, then shuts down cleanly on SIGTERM', async () => {
    const child = spawnCli(['serve', '--seed'], { ...env, PORT: '0', LOG_LEVEL: 'warn', BOOTSTRAP_API_KEY: BOOTSTRAP });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 200_000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      expect(stdout).toContain('Demo API key: the value of BOOTSTRAP_API_KEY');

      const whoami = await fetch(`${base}/v1/whoami`, { headers: { authorization: `Bearer ${BOOTSTRAP}` } });
      expect(whoami.status).toBe(200);
      const organization = ((await whoami.json()) as { organization: { id: string; name: string } }).organization;
      expect(organization).toEqual({ id: '00000000-0000-4000-8000-000000000001', name: 'Carbon Atlas Demo' });

      const list = await fetch(`${base}/v1/facilities?name=Madrid`, { headers: { 'x-api-key': BOOTSTRAP, 'x-organization-id': organization.id } });
      expect(list.status).toBe(200);
      expect(list.headers.get('x-ratelimit-limit')).toBe('1000');
      const madrid = ((await list.json()) as { items: unknown[] }).items[0];
      // A year of demo consumption (2024) is calculated into CO2e.
      expect(madrid).toMatchObject({ name: 'Madrid Office', country: 'ES', cups_list: ['ES0021000000000001RK'] });
      expect((madrid as { co2e: number }).co2e).toBeGreaterThan(10_000);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
