import { describe, expect, it } from 'vitest';
import { runnableBlocks, scriptFor } from './readme-blocks.js';

const MARKDOWN = [
  '# Title',
  '<!-- no-run: installs -->',
  '```sh',
  'npm ci',
  '```',
  '```sh',
  'curl -s http://127.0.0.1:3000/healthz',
  '```',
  '```console',
  '$ shown only',
  '```',
  '<!-- expect-status: 422, 409 -->',
  '',
  '```bash',
  'curl -s -X POST $CA/v1/facilities',
  '```',
].join('\n');

describe('the README blocks that run', () => {
  it('are the sh and bash blocks not marked no-run, with the statuses they announce', () => {
    expect(runnableBlocks(MARKDOWN)).toEqual([
      { line: 6, code: 'curl -s http://127.0.0.1:3000/healthz', allowedStatuses: [] },
      { line: 14, code: 'curl -s -X POST $CA/v1/facilities', allowedStatuses: [422, 409] },
    ]);
  });

  it('run against the test server instead of port 3000, each announcing its statuses', () => {
    const script = scriptFor(runnableBlocks(MARKDOWN), { baseUrl: 'http://127.0.0.1:40123', cli: '/x/dist/cli/main.js' });
    expect(script).toContain('curl -s http://127.0.0.1:40123/healthz');
    expect(script).toContain("ALLOWED_STATUSES='422 409'");
    expect(script).not.toContain('npm ci');
  });

  it('refuses a block that is never closed', () => {
    expect(() => runnableBlocks('```sh\ncurl -s $CA')).toThrow(/line 1/);
  });
});
