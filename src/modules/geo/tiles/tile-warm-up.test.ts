import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Sql } from 'sql-template-tag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../app.js';
import { loadConfig } from '../../../platform/config.js';
import type { Database } from '../../../platform/db/database.js';
import { openDatabase } from '../../../platform/db/open-database.js';
import { freshDatabase } from '../../../../test/support/test-app.js';
import { WARM_UP_URLS } from './tile-warm-up.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(() => database?.drop());

/** The app on a database that refuses every statement while `down` says so; the answers it gives are recorded. */
async function watchedApp(down: () => boolean) {
  const config = loadConfig({ LOG_LEVEL: 'silent', JWT_SECRET: randomBytes(32).toString('hex'), ...database.env });
  const db = await openDatabase(config);
  const refused: string[] = [];
  const watched = new Proxy(db, {
    get(target, property) {
      if (property === 'query')
        return (statement: Sql) => {
          if (!down()) return target.query(statement);
          refused.push(statement.sql);
          return Promise.reject(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }));
        };
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Database;
  const app = await buildApp({ config, db: watched, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  const answers = new Map<string, number>();
  app.addHook('onResponse', async (request, reply) => {
    answers.set(request.url, reply.statusCode);
  });
  return { app, refused, answers };
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const warmedUp = (answers: Map<string, number>) => WARM_UP_URLS.every((url) => answers.has(url));

describe('tile warm-up at start', () => {
  it('is not run by building the app (tests and CLI commands that never listen)', async () => {
    const { app, answers } = await watchedApp(() => false);
    await app.ready();
    await app.close();
    expect([...answers.keys()]).toEqual([]);
  });

  it('once the server listens, the world plume and scene tiles are asked in the background as an anonymous visitor would', async () => {
    const { app, answers } = await watchedApp(() => false);
    try {
      await listen(app);
      await expect.poll(() => warmedUp(answers), { timeout: 60_000 }).toBe(true);
      expect(WARM_UP_URLS.map((url) => answers.get(url))).toEqual([204, 204]);
    } finally {
      await app.close();
    }
  });

  it('when the database refuses the warm-up, the server still starts and answers, and closes', async () => {
    let down = true;
    const { app, refused, answers } = await watchedApp(() => down);
    try {
      const base = await listen(app);
      await expect.poll(() => warmedUp(answers), { timeout: 60_000 }).toBe(true);
      expect(refused.length).toBeGreaterThan(0);
      expect(WARM_UP_URLS.map((url) => answers.get(url))).toEqual([503, 503]);
      down = false;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('a server closed right after it starts listening closes cleanly', async () => {
    const { app } = await watchedApp(() => false);
    await listen(app);
    await app.close();
    expect(app.server.listening).toBe(false);
  });
});
