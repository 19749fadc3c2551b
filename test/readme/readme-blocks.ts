/**
 * The fenced shell blocks of README.md that are meant to run, in order. The convention (also
 * written in the README's Contributing note):
 * - a ```sh (or ```bash) block runs; any other info string (```console, ```text…) is only shown;
 * - `<!-- no-run: why -->` on the line before a block keeps it from running (placeholders, installs);
 * - `<!-- expect-status: 422 -->` before a block announces the non-2xx statuses its requests may
 *   answer (every other status 400 or above fails the test).
 */
export interface ReadmeBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  code: string;
  allowedStatuses: number[];
}

const FENCE = /^```(\S*)\s*$/;
const NO_RUN = /^<!--\s*no-run\b.*-->$/;
const EXPECT_STATUS = /^<!--\s*expect-status:\s*([\d\s,]+)-->$/;

export function runnableBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = FENCE.exec(lines[index]!);
    if (!opening) continue;
    const close = lines.findIndex((line, at) => at > index && line.trimEnd() === '```');
    if (close < 0) throw new Error(`README.md line ${index + 1}: a fenced block is never closed`);
    const before = lines.slice(0, index).reverse().find((line) => line.trim() !== '')?.trim() ?? '';
    const runs = (opening[1] === 'sh' || opening[1] === 'bash') && !NO_RUN.test(before);
    if (runs) {
      const expected = EXPECT_STATUS.exec(before)?.[1] ?? '';
      blocks.push({
        line: index + 1,
        code: lines.slice(index + 1, close).join('\n'),
        allowedStatuses: expected.split(/[\s,]+/).filter(Boolean).map(Number),
      });
    }
    index = close;
  }
  return blocks;
}

/**
 * One bash script that runs the blocks in order in one session, stopping at the first failure
 * and naming it. `curl` is wrapped to read each answer's status from its headers (whatever -o or
 * -w the example uses): a status of 400 or more that the block did not announce fails it.
 * `npx carbon-atlas` runs the built CLI (what npx resolves to in a clone after `npm ci`).
 */
export function scriptFor(blocks: ReadmeBlock[], settings: { baseUrl: string; cli: string }): string {
  const prelude = String.raw`set -eo pipefail
curl() {
  local headers rc=0 status allowed
  headers=$(mktemp)
  command curl -D "$headers" "$@" || rc=$?
  status=$(grep -aE '^HTTP/' "$headers" | tail -n 1 | awk '{print $2}')
  rm -f "$headers"
  # 23: the reader (head -c …) closed the pipe early, which the example means to do.
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 23 ]; then echo "README: curl exited $rc: curl $*" >&2; return "$rc"; fi
  if [ -n "$status" ] && [ "$status" -ge 400 ]; then
    for allowed in $ALLOWED_STATUSES; do [ "$status" = "$allowed" ] && return 0; done
    echo "README: HTTP $status that the text does not announce: curl $*" >&2
    return 22
  fi
}
npx() {
  if [ "$1" = carbon-atlas ]; then shift; node ${quote(settings.cli)} "$@"; else command npx "$@"; fi
}
trap 'echo "README: failed at: $BASH_COMMAND" >&2' ERR
`;
  const body = blocks.map((block) =>
    [
      `echo ${quote(`--- README.md line ${block.line}`)}`,
      `ALLOWED_STATUSES=${quote(block.allowedStatuses.join(' '))}`,
      block.code.replaceAll('http://127.0.0.1:3000', settings.baseUrl),
    ].join('\n'),
  );
  return `${prelude}\n${body.join('\n')}\necho '--- README.md: every block ran'\n`;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
