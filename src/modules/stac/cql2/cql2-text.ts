import type { CqlExpr, CqlGeometry } from '../../catalog/stac.service.js';
import { CqlError } from './cql2-error.js';
import { parseWkt, WKT_KEYWORDS } from './wkt.js';

/**
 * A recursive-descent parser for CQL2 text (OGC 21-065: basic CQL2, advanced comparison
 * operators, basic spatial and temporal functions, CASEI/ACCENTI) into the CQL2 JSON form, so
 * both encodings meet one compiler. Every error names the character position where it happened.
 */

type Token =
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'end'; pos: number };

const OPERATORS = ['<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '+', '*', '/'];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    const start = i;
    if (char === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw new CqlError('unterminated string', start);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += text[i];
        i += 1;
      }
      tokens.push({ kind: 'string', value, pos: start });
      continue;
    }
    if (char === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new CqlError('unterminated quoted identifier', start);
      tokens.push({ kind: 'ident', value: text.slice(i + 1, end), pos: start });
      i = end + 1;
      continue;
    }
    const number = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    // A minus sign before a digit is a sign (CQL2 arithmetic is not supported, so `a -1` means nothing else).
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), pos: start });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_.:-]*/.exec(text.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', value: ident[0], pos: start });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (!op) throw new CqlError(`unexpected character ${JSON.stringify(char)}`, start);
    tokens.push({ kind: 'op', value: op, pos: start });
    i += op.length;
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);
export const SPATIAL_FUNCTIONS = ['s_intersects', 's_within', 's_contains', 's_disjoint', 's_equals', 's_touches', 's_overlaps', 's_crosses'];
export const TEMPORAL_FUNCTIONS = [
  't_after', 't_before', 't_contains', 't_disjoint', 't_during', 't_equals', 't_finishedby', 't_finishes', 't_intersects',
  't_meets', 't_metby', 't_overlappedby', 't_overlaps', 't_startedby', 't_starts',
];
export const ARRAY_FUNCTIONS = ['a_equals', 'a_contains', 'a_containedby', 'a_overlaps'];

/** Nesting deeper than any real filter; it keeps a hostile one from exhausting the stack. */
export const MAX_NESTING = 64;

class Parser {
  private index = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'ident' && token.value.toUpperCase() === word;
  }

  private isOp(op: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.value === op;
  }

  private expectOp(op: string) {
    const token = this.next();
    if (token.kind !== 'op' || token.value !== op) throw new CqlError(`expected "${op}" but found ${describe(token)}`, token.pos);
  }

  private expectKeyword(word: string) {
    const token = this.next();
    if (token.kind !== 'ident' || token.value.toUpperCase() !== word) throw new CqlError(`expected ${word} but found ${describe(token)}`, token.pos);
  }

  parse(): CqlExpr {
    const expr = this.or();
    const rest = this.peek();
    if (rest.kind !== 'end') throw new CqlError(`unexpected ${describe(rest)} after a complete expression`, rest.pos);
    return expr;
  }

  private or(): CqlExpr {
    const args = [this.and()];
    while (this.isKeyword('OR')) {
      this.next();
      args.push(this.and());
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  }

  private and(): CqlExpr {
    const args = [this.not()];
    while (this.isKeyword('AND')) {
      this.next();
      args.push(this.not());
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  }

  private nested<T>(read: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_NESTING) throw new CqlError(`nested more than ${MAX_NESTING} levels deep`, this.peek().pos);
    try {
      return read();
    } finally {
      this.depth -= 1;
    }
  }

  private not(): CqlExpr {
    if (this.isKeyword('NOT')) {
      this.next();
      return { op: 'not', args: [this.nested(() => this.not())] };
    }
    return this.nested(() => this.predicate());
  }

  private predicate(): CqlExpr {
    const start = this.peek();
    // A parenthesised boolean expression, unless it is a parenthesised value being compared.
    if (this.isOp('(')) {
      const saved = this.index;
      this.next();
      // Read as a parenthesised condition first; should that fail, as a parenthesised value being
      // compared — and if that fails too, the first reading's error is the one that explains.
      let problem: CqlError;
      try {
        const inner = this.or();
        if (this.isOp(')')) {
          this.next();
          if (!this.startsComparison()) return inner;
        }
        const token = this.peek();
        problem = new CqlError(`expected ")" but found ${describe(token)}`, token.pos);
      } catch (error) {
        if (!(error instanceof CqlError)) throw error;
        problem = error;
      }
      this.index = saved;
      try {
        return this.comparisonAfter(this.scalar(), start);
      } catch (error) {
        if (error instanceof CqlError) throw problem;
        throw error;
      }
    }
    if (start.kind === 'ident') {
      const name = start.value.toLowerCase();
      if (SPATIAL_FUNCTIONS.includes(name) || TEMPORAL_FUNCTIONS.includes(name) || ARRAY_FUNCTIONS.includes(name)) {
        this.next();
        this.expectOp('(');
        const first = this.operand();
        this.expectOp(',');
        const second = this.operand();
        this.expectOp(')');
        return { op: name, args: [first, second] };
      }
    }
    const left = this.scalar();
    return this.comparisonAfter(left, start);
  }

  private startsComparison(): boolean {
    const token = this.peek();
    if (token.kind === 'op') return COMPARISONS.has(token.value);
    if (token.kind !== 'ident') return false;
    const word = token.value.toUpperCase();
    return ['LIKE', 'BETWEEN', 'IN', 'IS'].includes(word) || (word === 'NOT' && ['LIKE', 'BETWEEN', 'IN'].includes(String(this.peek(1).kind === 'ident' ? (this.peek(1) as { value: string }).value.toUpperCase() : '')));
  }

  private comparisonAfter(left: CqlExpr, start: Token): CqlExpr {
    const token = this.peek();
    if (token.kind === 'op' && COMPARISONS.has(token.value)) {
      this.next();
      return { op: token.value, args: [left, this.scalar()] };
    }
    let negated = false;
    if (this.isKeyword('NOT') && ['LIKE', 'BETWEEN', 'IN'].some((word) => this.isKeyword(word, 1))) {
      this.next();
      negated = true;
    }
    const wrap = (expr: CqlExpr): CqlExpr => (negated ? { op: 'not', args: [expr] } : expr);
    if (this.isKeyword('LIKE')) {
      this.next();
      return wrap({ op: 'like', args: [left, this.scalar()] });
    }
    if (this.isKeyword('BETWEEN')) {
      this.next();
      const low = this.scalar();
      this.expectKeyword('AND');
      return wrap({ op: 'between', args: [left, low, this.scalar()] });
    }
    if (this.isKeyword('IN')) {
      this.next();
      this.expectOp('(');
      const list: CqlExpr[] = [this.scalar()];
      while (this.isOp(',')) {
        this.next();
        list.push(this.scalar());
      }
      this.expectOp(')');
      return wrap({ op: 'in', args: [left, list] });
    }
    if (this.isKeyword('IS')) {
      this.next();
      const not = this.isKeyword('NOT');
      if (not) this.next();
      this.expectKeyword('NULL');
      const isNull: CqlExpr = { op: 'isNull', args: [left] };
      return not ? { op: 'not', args: [isNull] } : isNull;
    }
    // A lone boolean value (a boolean property, TRUE, a function) is a predicate of its own.
    if (typeof left === 'boolean' || (typeof left === 'object' && left !== null && 'property' in left) || (typeof left === 'object' && left !== null && 'op' in left)) return left;
    throw new CqlError(`expected a comparison after ${this.text.slice(start.pos, token.pos).trim() || describe(start)} but found ${describe(token)}`, token.pos);
  }

  /** A value: literal, property, TIMESTAMP/DATE/INTERVAL, CASEI/ACCENTI, BBOX or WKT geometry, or a parenthesised value. */
  private operand(): CqlExpr {
    return this.scalar();
  }

  private scalar(): CqlExpr {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return token.value;
      case 'number':
        return token.value;
      case 'end':
        throw new CqlError('unexpected end of the filter', token.pos);
      case 'op':
        if (token.value === '(') {
          const inner = this.nested(() => this.scalar());
          this.expectOp(')');
          return inner;
        }
        throw new CqlError(`expected a value but found ${describe(token)}`, token.pos);
      case 'ident':
        break;
    }
    const word = token.value.toUpperCase();
    if (word === 'TRUE') return true;
    if (word === 'FALSE') return false;
    if (word === 'NULL') throw new CqlError('NULL is only allowed in IS [NOT] NULL', token.pos);
    if (KEYWORDS.has(word)) throw new CqlError(`expected a value but found ${word}`, token.pos);
    if (WKT_KEYWORDS.includes(word) && this.isOpAhead()) {
      this.index -= 1;
      return this.wkt();
    }
    if (this.isOp('(')) return this.call(token.value, token.pos);
    return { property: token.value };
  }

  private isOpAhead(): boolean {
    const token = this.peek();
    return (token.kind === 'op' && token.value === '(') || (token.kind === 'ident' && ['Z', 'EMPTY'].includes(token.value.toUpperCase()));
  }

  private call(name: string, pos: number): CqlExpr {
    this.expectOp('(');
    const args: CqlExpr[] = [];
    if (!this.isOp(')')) {
      args.push(this.scalar());
      while (this.isOp(',')) {
        this.next();
        args.push(this.scalar());
      }
    }
    this.expectOp(')');
    const upper = name.toUpperCase();
    const stringArg = () => {
      if (args.length !== 1 || typeof args[0] !== 'string') throw new CqlError(`${upper} takes one quoted string`, pos);
      return args[0];
    };
    switch (upper) {
      case 'TIMESTAMP':
        return { timestamp: stringArg() };
      case 'DATE':
        return { date: stringArg() };
      case 'INTERVAL': {
        if (args.length !== 2) throw new CqlError('INTERVAL takes two arguments', pos);
        return { interval: args as [CqlExpr, CqlExpr] };
      }
      case 'BBOX': {
        if ((args.length !== 4 && args.length !== 6) || !args.every((arg) => typeof arg === 'number')) throw new CqlError('BBOX takes four or six numbers', pos);
        return { bbox: args as number[] };
      }
      case 'CASEI':
      case 'ACCENTI':
        if (args.length !== 1) throw new CqlError(`${upper} takes one argument`, pos);
        return { op: upper.toLowerCase(), args };
      default:
        return { op: name, args };
    }
  }

  private wkt(): CqlGeometry {
    const start = this.peek().pos;
    // WKT runs to its balancing parenthesis; it is read from the source text by its own parser.
    let depth = 0;
    let end = start;
    this.next();
    for (;;) {
      const token = this.next();
      if (token.kind === 'end') throw new CqlError('unterminated geometry', start);
      if (token.kind === 'op' && token.value === '(') depth += 1;
      if (token.kind === 'op' && token.value === ')') {
        depth -= 1;
        if (depth === 0) {
          end = token.pos + 1;
          break;
        }
      }
      if (token.kind === 'ident' && token.value.toUpperCase() === 'EMPTY' && depth === 0) {
        end = token.pos + token.value.length;
        break;
      }
    }
    return parseWkt(this.text.slice(start, end), start);
  }
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the filter';
  if (token.kind === 'string') return `'${token.value}'`;
  return `"${token.value}"`;
}

/** Parses CQL2 text into CQL2 JSON; throws CqlError naming the position of the first problem. */
export function parseCql2Text(text: string): CqlExpr {
  if (!text.trim()) throw new CqlError('the filter is empty', 0);
  return new Parser(tokenize(text), text).parse();
}
