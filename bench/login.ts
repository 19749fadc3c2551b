import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open-database.js';
import { createLoginThrottle, DEFAULT_LOGIN_LIMITS, type LoginLimits } from '../src/platform/auth/login-throttle.js';
import * as identity from '../src/platform/identity/identity.service.js';
import { benchEnv, type Backend } from './backends.js';

const UNLIMITED: LoginLimits = {
  perAccountAndAddress: { failures: 1e9, windowSeconds: 60 },
  perAccount: { failures: 1e9, windowSeconds: 60 },
  perAddress: { failures: 1e9, windowSeconds: 60 },
};

export interface GuessingResult {
  attempts: number;
  evaluated: number;
  refused: number;
  evaluatedMs: number[];
  refusedMs: number[];
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
}

/**
 * One attacker guessing one account's password from one address, as fast as the server answers,
 * for `seconds`: with the default throttle, and with a throttle that never refuses (the baseline).
 */
export async function benchLoginGuessing(backend: Backend, seconds: number) {
  const config = loadConfig(benchEnv(backend));
  const db = await openDatabase(config);
  await migrate(db);
  await identity.insertUser(db, { email: 'owner@bench.test', password: 'the-real-Passw0rd!' });
  await db.close();

  async function run(limits: LoginLimits, spreadAccounts: boolean): Promise<GuessingResult> {
    const app = await buildApp({
      config,
      db: await openDatabase(config),
      jwtSecret: new TextEncoder().encode(config.JWT_SECRET!),
      loginThrottle: createLoginThrottle({ limits }),
      logger: false,
    });
    const result: GuessingResult = { attempts: 0, evaluated: 0, refused: 0, evaluatedMs: [], refusedMs: [] };
    const end = performance.now() + seconds * 1000;
    try {
      while (performance.now() < end) {
        const email = spreadAccounts ? `sprayed-${result.attempts}@bench.test` : 'owner@bench.test';
        const started = performance.now();
        const response = await app.inject({ method: 'POST', url: '/api/v1/token/pair', remoteAddress: '198.51.100.66', payload: { email, password: `guess-${result.attempts}` } });
        const took = performance.now() - started;
        result.attempts += 1;
        if (response.statusCode === 429) {
          result.refused += 1;
          result.refusedMs.push(took);
        } else {
          result.evaluated += 1;
          result.evaluatedMs.push(took);
        }
      }
      const owner = await app.inject({ method: 'POST', url: '/api/v1/token/pair', remoteAddress: '203.0.113.5', payload: { email: 'owner@bench.test', password: 'the-real-Passw0rd!' } });
      if (owner.statusCode !== 200) throw new Error(`the owner could not sign in from elsewhere during the attack: ${owner.statusCode}`);
      return result;
    } finally {
      await app.close();
    }
  }

  const throttled = await run(DEFAULT_LOGIN_LIMITS, false);
  const spraying = await run(DEFAULT_LOGIN_LIMITS, true);
  const baseline = await run(UNLIMITED, false);
  return {
    backend: backend.name,
    seconds,
    throttled,
    spraying,
    baseline,
    ratio: throttled.evaluated / baseline.evaluated,
    evaluatedMedianMs: median(baseline.evaluatedMs),
    refusedMedianMs: median(throttled.refusedMs),
  };
}

export function printLoginGuessing(result: Awaited<ReturnType<typeof benchLoginGuessing>>) {
  const { throttled, spraying, baseline } = result;
  console.log(`\nPOST /api/v1/token/pair — password guessing from one address, ${result.seconds} s, ${result.backend}`);
  console.log(`no throttle (baseline)      ${baseline.evaluated} guesses checked (${(baseline.evaluated / result.seconds).toFixed(1)}/s, argon2id median ${result.evaluatedMedianMs.toFixed(1)} ms)`);
  console.log(`default throttle, 1 account ${throttled.evaluated} guesses checked, ${throttled.refused} refused with 429 (median ${result.refusedMedianMs.toFixed(2)} ms)`);
  console.log(`default throttle, spraying  ${spraying.evaluated} accounts tried, ${spraying.refused} refused with 429`);
  console.log(`ratio ${result.ratio.toFixed(4)} of the unthrottled guessing rate; the owner signed in from another address each time`);
}
