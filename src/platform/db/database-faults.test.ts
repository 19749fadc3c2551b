import { once } from 'node:events';
import net from 'node:net';
import pg from 'pg';
import sql, { type Sql } from 'sql-template-tag';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import type { Config } from '../config.js';
import { createTestContext, type TestContext } from '../../../test/support/test-app.js';
import type { Database } from './database.js';
import { isTransientDatabaseError } from './database-errors.js';
import { openDatabase } from './open-database.js';

const FACILITY = { name: 'Lisbon Depot', type: 'warehouse', country: 'PT', address: 'Rua Augusta 1, Lisboa', categories: ['electricity'] };
const onPostgres = Boolean(process.env.DATABASE_URL);

let ctx: TestContext;
let key: string;

beforeAll(async () => {
  // A short statement timeout, so that a blocked statement ends within the test (PostgreSQL only).
  ctx = await createTestContext({ DB_STATEMENT_TIMEOUT_MS: '1500', REGISTRY_WORKERS: '0', RATE_LIMIT_STANDARD: '100000' });
  key = await (await ctx.organization('Faults Inc')).key();
});
afterAll(() => ctx?.close());

/** The same database behind a switch: working, failing as a server shutting down, or not answering until switched back. */
function switchableDatabase(inner: Database) {
  let state: 'working' | 'failing' | 'frozen' = 'working';
  const waiting: (() => void)[] = [];
  const pass = async () => {
    if (state === 'failing') throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
    if (state === 'frozen') await new Promise<void>((resume) => waiting.push(resume));
  };
  const db: Database = {
    kind: inner.kind,
    query: async <Row>(statement: Sql) => (await pass(), inner.query<Row>(statement)),
    transaction: async (work) => (await pass(), inner.transaction(work)),
    maintenanceTransaction: async (work) => (await pass(), inner.maintenanceTransaction(work)),
    readSnapshot: async (work, options) => (await pass(), inner.readSnapshot(work, options)),
    withAdvisoryLock: async (lockKey, work) => (await pass(), inner.withAdvisoryLock(lockKey, work)),
    close: async () => undefined, // the test context closes the real one
  };
  return {
    db,
    set(next: typeof state) {
      state = next;
      if (next === 'working') waiting.splice(0).forEach((resume) => resume());
    },
  };
}

/** Another app on the test's database as `db` sees it; background workers off, so nothing waits on it at close. */
async function appOver(db: Database, overrides: Partial<Config> = {}) {
  const config: Config = { ...ctx.config, REGISTRY_WORKERS: 0, WEBHOOK_WORKERS: 0, IMPORT_WORKERS: 0, ...overrides };
  const app = await buildApp({ config, db, jwtSecret: new TextEncoder().encode(config.JWT_SECRET!), logger: false });
  await app.ready();
  return app;
}

function send(app: FastifyInstance, options: InjectOptions) {
  return app.inject({ ...options, headers: { authorization: `Bearer ${key}`, ...options.headers } });
}

describe('when the database is down', () => {
  let app: FastifyInstance;
  let database: ReturnType<typeof switchableDatabase>;

  beforeAll(async () => {
    database = switchableDatabase(ctx.db);
    app = await appOver(database.db);
  });
  afterAll(async () => {
    database.set('working');
    await app?.close();
  });

  it("answers 503 with Retry-After in each API family's error format, then works again", async () => {
    const registryOrganization = await ctx.organization('Registry Org');
    database.set('failing');
    const answers = {
      facilities: await send(app, { method: 'GET', url: '/v1/facilities' }),
      emissions: await send(app, { method: 'GET', url: '/v2/emissions' }),
      plume: await send(app, { method: 'GET', url: '/api/v1/catalog/plumes/annotated' }),
      platform: await send(app, { method: 'GET', url: `/organizations/${registryOrganization.id}` }),
    };
    for (const response of Object.values(answers)) {
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
    }
    const message = 'The service is temporarily unavailable; retry the request shortly.';
    expect(answers.facilities.json()).toEqual({ code: 'SERVICE_UNAVAILABLE', detail: message });
    expect(answers.emissions.json()).toEqual({ code: 'SERVICE_UNAVAILABLE', message });
    expect(answers.plume.json()).toEqual({ detail: message, code: 'SERVICE_UNAVAILABLE' });
    expect(answers.platform.json()).toEqual({ code: 'SERVICE_UNAVAILABLE', message });

    database.set('working');
    expect((await send(app, { method: 'GET', url: '/v1/facilities' })).statusCode).toBe(200);
  });

  it('is reported by /readyz with 503 while the database does not answer, and ready once it does', async () => {
    database.set('frozen');
    const unready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(unready.statusCode).toBe(503);
    expect(unready.json()).toEqual({ status: 'unavailable', database: ctx.db.kind });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    database.set('working');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready', database: ctx.db.kind });
  });
});

describe.skipIf(onPostgres)('the embedded database busy with a long job', () => {
  it('makes /readyz answer 503 instead of waiting behind the job', async () => {
    let finishJob!: () => void;
    const jobStarted = new Promise<void>((started) => {
      void ctx.db.transaction(async (tx) => {
        await tx.query(sql`SELECT 1`);
        started();
        await new Promise<void>((finish) => (finishJob = finish));
      });
    });
    await jobStarted;
    expect((await ctx.request({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    finishJob();
    expect((await ctx.request({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});

/** A TCP proxy to PostgreSQL that can stop passing bytes, as a server stopped with SIGSTOP does, and pass them on again. */
async function freezableProxy(target: URL) {
  let frozen = false;
  const thaws: (() => void)[] = [];
  const forward = (from: net.Socket, to: net.Socket) => {
    const held: Buffer[] = [];
    from.on('data', (chunk: Buffer) => (frozen ? held.push(chunk) : to.write(chunk)));
    thaws.push(() => held.splice(0).forEach((chunk) => to.write(chunk)));
    from.on('error', () => to.destroy());
    from.on('close', () => to.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    forward(client, upstream);
    forward(upstream, client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    url: url.toString(),
    freeze: () => void (frozen = true),
    thaw() {
      frozen = false;
      thaws.forEach((thaw) => thaw());
    },
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

describe.skipIf(!onPostgres)('PostgreSQL faults', () => {
  let admin: pg.Client;
  const databaseName = () => new URL(ctx.env.DATABASE_URL!).pathname.slice(1);

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL, application_name: 'faults-test-admin' });
    await admin.connect();
  });
  afterAll(() => admin?.end());

  /** Ends every session the app has open on the test database, as a failover or a restart does. */
  async function terminateAppConnections() {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'carbon-atlas'`, [databaseName()]);
  }

  /** Runs `work` on a session whose backend is terminated while `work` holds it, between its first and second statement. */
  async function terminatedMidway(run: (step: (tx: { query: Database['query'] }) => Promise<void>) => Promise<unknown>) {
    return run(async (session) => {
      const [row] = await session.query<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`);
      await admin.query('SELECT pg_terminate_backend($1)', [row!.pid]);
      // Let the connection's end reach the client while it is held: this is the moment that crashed the process.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await session.query(sql`SELECT 1`);
    });
  }

  it('fails a transaction whose connection is terminated as a passing outage, and the process carries on', async () => {
    const failure = await terminatedMidway((step) => ctx.db.transaction(step)).catch((error: unknown) => error);
    expect(isTransientDatabaseError(failure)).toBe(true);
    expect(await ctx.db.query(sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    expect((await ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: FACILITY })).statusCode).toBe(201);
  });

  it('fails an advisory-lock session whose connection is terminated, and the process carries on', async () => {
    const failure = await terminatedMidway((step) => ctx.db.withAdvisoryLock('faults-test', step)).catch((error: unknown) => error);
    expect(isTransientDatabaseError(failure)).toBe(true);
    expect(await ctx.db.withAdvisoryLock('faults-test', (session) => session.query(sql`SELECT 2 AS two`))).toEqual([{ two: 2 }]);
  });

  it('answers writes during connection terminations with 201 or 503, and a 503 re-sent succeeds', async () => {
    const statuses: number[] = [];
    const failed: { name: string; body: unknown; retryAfter: unknown }[] = [];
    for (let round = 0; round < 5; round++) {
      const names = Array.from({ length: 30 }, (_, i) => `Depot ${round}-${i}`);
      const writes = Promise.all(names.map((name) => ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: { ...FACILITY, name } }).then((response) => ({ name, response }))));
      // Terminate again and again while the writes run, so that connections die in every state:
      // idle, inside a transaction, and just opened to replace the previous ones.
      let settled = false;
      void writes.finally(() => (settled = true));
      while (!settled) {
        await terminateAppConnections();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (const { name, response } of await writes) {
        statuses.push(response.statusCode);
        if (response.statusCode === 503) failed.push({ name, body: response.json(), retryAfter: response.headers['retry-after'] });
      }
    }
    expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
    for (const { name, body, retryAfter } of failed) {
      expect(body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(retryAfter).toBe('5');
      expect((await ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: { ...FACILITY, name } })).statusCode).toBe(201);
    }
  });

  it('answers 503 when a statement runs past DB_STATEMENT_TIMEOUT_MS, not 500', async () => {
    const locker = new pg.Client({ connectionString: ctx.env.DATABASE_URL, application_name: 'faults-test-locker' });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE facilities IN ACCESS EXCLUSIVE MODE');
      const blocked = await ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: { ...FACILITY, name: 'Blocked Depot' } });
      expect(blocked.statusCode).toBe(503);
      expect(blocked.headers['retry-after']).toBe('5');
      expect(blocked.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
    expect((await ctx.request({ method: 'POST', url: '/v1/facilities', key, payload: { ...FACILITY, name: 'Blocked Depot' } })).statusCode).toBe(201);
  });

  describe('a server that stops answering', () => {
    let proxy: Awaited<ReturnType<typeof freezableProxy>>;
    let app: FastifyInstance;

    beforeAll(async () => {
      proxy = await freezableProxy(new URL(ctx.env.DATABASE_URL!));
      const db = await openDatabase({ ...ctx.config, DATABASE_URL: proxy.url, DB_CONNECT_TIMEOUT_MS: 1000, DB_STATEMENT_TIMEOUT_MS: 500 });
      app = await appOver(db);
    });
    afterAll(async () => {
      proxy?.thaw();
      await app?.close();
      await proxy?.close();
    });

    it('fails requests with 503 once the client timeout passes, /readyz says so, and both recover when it answers again', async () => {
      expect((await send(app, { method: 'GET', url: '/v1/facilities' })).statusCode).toBe(200);
      proxy.freeze();
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      const stuck = await send(app, { method: 'GET', url: '/v1/facilities' });
      expect(stuck.statusCode).toBe(503);
      expect(stuck.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      proxy.thaw();
      expect((await send(app, { method: 'GET', url: '/v1/facilities' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    });
  });

  it('answers 503 and /readyz 503 when nothing listens at DATABASE_URL', async () => {
    const closed = net.createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const url = new URL(ctx.env.DATABASE_URL!);
    url.host = `127.0.0.1:${port}`;
    const app = await appOver(await openDatabase({ ...ctx.config, DATABASE_URL: url.toString() }));
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      const refused = await send(app, { method: 'GET', url: '/v1/facilities' });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
    } finally {
      await app.close();
    }
  });
});
