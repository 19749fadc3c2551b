/** A contiguous run of serial numbers, both ends included. */
export interface SerialBlock {
  id: string;
  serialFirst: number;
  serialLast: number;
}

export function blockSize(block: Pick<SerialBlock, 'serialFirst' | 'serialLast'>): number {
  return block.serialLast - block.serialFirst + 1;
}

export interface TakePlan {
  /** Blocks taken whole. */
  whole: SerialBlock[];
  /** A block of which only the first `count` serials are taken; the rest stays where it is. */
  partial?: { block: SerialBlock; count: number };
}

/**
 * Takes `amount` tonnes from blocks in serial order, lowest first, splitting at most one block, so
 * every tonne keeps one serial and a holder's serials stay as contiguous as they were.
 * Undefined when the blocks hold fewer than `amount`.
 */
export function planTake(blocks: readonly SerialBlock[], amount: number): TakePlan | undefined {
  const ordered = [...blocks].sort((a, b) => a.serialFirst - b.serialFirst);
  const whole: SerialBlock[] = [];
  let remaining = amount;
  for (const block of ordered) {
    if (remaining === 0) break;
    const size = blockSize(block);
    if (size <= remaining) {
      whole.push(block);
      remaining -= size;
    } else {
      return { whole, partial: { block, count: remaining } };
    }
  }
  return remaining === 0 ? { whole } : undefined;
}

/** The serial ranges a plan moves, as [first, last] pairs in serial order. */
export function rangesOf(plan: TakePlan): [number, number][] {
  const ranges: [number, number][] = plan.whole.map((b) => [b.serialFirst, b.serialLast]);
  if (plan.partial) ranges.push([plan.partial.block.serialFirst, plan.partial.block.serialFirst + plan.partial.count - 1]);
  return ranges.sort((a, b) => a[0] - b[0]);
}

export interface SerializationParts {
  countryCode: string;
  projectNum: number;
  type: 'exAnte' | 'exPost';
  vintage: number;
}

/**
 * `ICR-<ISO 3166 alpha-3>-<project number>-<first serial>-<last serial>-<R: realised (exPost) |
 * A: anticipated (exAnte)>-0-<vintage>`, e.g. ICR-ISL-354-78040-78053-R-0-2021.
 */
export function serialization(parts: SerializationParts, first: number, last: number): string {
  return `ICR-${parts.countryCode}-${parts.projectNum}-${first}-${last}-${parts.type === 'exPost' ? 'R' : 'A'}-0-${parts.vintage}`;
}
