import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { parseInteger, parseOrganizationId } from './options.js';
import { progressOn } from './progress.js';
import { describeFailure } from './failures.js';
import type { Terminal } from './context.js';

function terminal(isTTY: boolean) {
  let text = '';
  const t = { errRaw: (chunk: string) => void (text += chunk), stderrIsTTY: isTTY } as unknown as Terminal;
  return { t, text: () => text };
}

describe('CLI helpers', () => {
  it('names `org list` when --org is not an organization id', () => {
    expect(() => parseOrganizationId('Acme')).toThrow(InvalidArgumentError);
    expect(() => parseOrganizationId('Acme')).toThrow('--org must be an organization id; see `org list`');
    expect(parseOrganizationId('00000000-0000-4000-8000-00000000000A')).toBe('00000000-0000-4000-8000-00000000000a');
    expect(() => parseInteger('--count', 1, 10)('11')).toThrow('--count must be a whole number from 1 to 10.');
    expect(() => parseInteger('--count', 1, 10)('3.5')).toThrow('--count must be a whole number');
  });

  it('draws a bar on a terminal and plain periodic lines otherwise', () => {
    let now = 0;
    const plain = terminal(false);
    const progress = progressOn(plain.t, 100, () => now);
    now = 2_000;
    progress.update(50, { received: 5, failed: 1 });
    now = 2_500;
    progress.update(60, { received: 6, failed: 1 }); // within 2 s of the last line: not shown
    now = 4_000;
    progress.update(100, { received: 10, failed: 1 });
    progress.done(); // the same counts as the last line: not repeated
    expect(plain.text()).toBe(' 50%  5 rows, 1 rejected, 3/s\n100%  10 rows, 1 rejected, 3/s\n');

    const tty = terminal(true);
    const bar = progressOn(tty.t, 4, () => 1_000);
    bar.update(4, { received: 4, failed: 0 });
    bar.done();
    expect(tty.text()).toContain('\r[#########################] 100%  4 rows, 0 rejected, 4000/s');
    expect(tty.text().endsWith('\n')).toBe(true);
  });

  it('names the variable and the host or port in start-up failures, never the password', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:6543'), { code: 'ECONNREFUSED' });
    const message = describeFailure(refused, { DATABASE_URL: 'postgres://app:hunter2@db.internal:6543/atlas', PORT: 3000, HOST: '127.0.0.1' });
    expect(message).toContain('Cannot reach PostgreSQL at db.internal:6543/atlas, the server named by DATABASE_URL (ECONNREFUSED)');
    expect(message).not.toContain('hunter2');
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    expect(describeFailure(inUse, { PORT: 3000, HOST: '127.0.0.1' })).toBe(
      'Port 3000 on 127.0.0.1 is already in use (another Carbon Atlas server, or another program). Stop it, or set PORT to a free port (e.g. PORT=3001).',
    );
  });
});
