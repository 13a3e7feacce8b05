/**
 * A streaming JSON tokenizer over bytes: push chunks, get events (start/end of objects and
 * arrays, keys, scalar values) with the line, column and byte offset of each token. Memory is
 * bounded by the nesting depth and the longest single string or number, never by the document,
 * so a 2 GB file reads in the memory of a 2 MB one. Errors carry a position and say what was
 * expected, including what Python's json module writes that JSON does not allow (NaN, Infinity).
 */
import { parseFloatBytes } from './float';
import { sizeText } from './problems';

export type JsonScalar = string | number | boolean | null;

export interface JsonHandler {
  startObject(): void;
  endObject(): void;
  startArray(): void;
  endArray(): void;
  key(name: string): void;
  value(v: JsonScalar): void;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export interface JsonTokenizerOptions {
  firstLine?: number;
  /** Column (1-based) of the first byte pushed. */
  firstColumn?: number;
  firstOffset?: number;
  /** The longest string or number accepted, in bytes. */
  maxTokenBytes?: number;
  maxDepth?: number;
}

const enum State {
  Value,
  ArrayFirst,
  ArrayNext,
  ObjectFirst,
  ObjectKey,
  Colon,
  ObjectNext,
  Done,
}

const enum Token {
  None,
  String,
  Bare,
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isBare(c: number): boolean {
  // digits, letters, + - .
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 45 || c === 46;
}

/** JSON's number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
export function isJsonNumber(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  if (i < e && b[i] === 45) i++;
  if (i >= e) return false;
  if (b[i] === 48) i++;
  else if (b[i]! >= 49 && b[i]! <= 57) while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
  else return false;
  if (i < e && b[i] === 46) {
    i++;
    const d = i;
    while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
    if (i === d) return false;
  }
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    i++;
    if (i < e && (b[i] === 43 || b[i] === 45)) i++;
    const d = i;
    while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
    if (i === d) return false;
  }
  return i === e;
}

export class JsonTokenizer {
  private state = State.Value;
  private stack: Uint8Array;
  /** Current nesting depth (0 at the top level). */
  depth = 0;
  private readonly maxTokenBytes: number;
  // Position of the next byte.
  private offset: number;
  private line: number;
  private lineStart: number; // absolute offset where the current line starts
  private lineContinuation = 0; // UTF-8 continuation bytes seen on this line (for character columns)
  private columnBase: number;
  private readonly firstLine: number;
  // The token in progress across chunks.
  private token = Token.None;
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private escaped = false;
  private hadEscape = false;
  private sawAnything = false;
  /** Position of the last token's first byte, for the handler. */
  tokenLine = 0;
  tokenColumn = 0;
  tokenOffset = 0;
  /** Offset just past the last token (after `]` for endArray). */
  tokenEnd = 0;

  constructor(
    private readonly handler: JsonHandler,
    opts: JsonTokenizerOptions = {},
  ) {
    this.offset = opts.firstOffset ?? 0;
    this.line = opts.firstLine ?? 1;
    this.firstLine = this.line;
    this.lineStart = this.offset;
    this.columnBase = (opts.firstColumn ?? 1) - 1;
    this.maxTokenBytes = opts.maxTokenBytes ?? 16 * 1024 * 1024;
    this.stack = new Uint8Array(opts.maxDepth ?? 512);
  }

  /** True once one complete top-level value has been read. */
  get complete(): boolean {
    return this.state === State.Done;
  }

  private fail(message: string, offset: number): never {
    const col = offset - this.lineStart - this.lineContinuation + 1 + (this.line === this.firstLine ? this.columnBase : 0);
    throw new JsonSyntaxError(message, this.line, Math.max(1, col), offset);
  }

  private mark(offset: number): void {
    this.tokenOffset = offset;
    this.tokenLine = this.line;
    this.tokenColumn = offset - this.lineStart - this.lineContinuation + 1 + (this.line === this.firstLine ? this.columnBase : 0);
  }

  push(buf: Uint8Array): void {
    const len = buf.length;
    const base = this.offset;
    let i = 0;
    if (this.token === Token.String) i = this.continueString(buf, 0, base);
    else if (this.token === Token.Bare) i = this.continueBare(buf, 0, base);
    while (i < len) {
      const c = buf[i]!;
      if (c === 32 || c === 9 || c === 13) {
        i++;
        continue;
      }
      if (c === 10) {
        i++;
        this.line++;
        this.lineStart = base + i;
        this.lineContinuation = 0;
        continue;
      }
      this.sawAnything = true;
      const at = base + i;
      switch (this.state) {
        case State.Done:
          this.fail(`unexpected ${describeByte(c)} after the end of the JSON value`, at);
          break;
        case State.Colon:
          if (c !== 58) this.fail(`expected ':' after an object key, found ${describeByte(c)}`, at);
          this.state = State.Value;
          i++;
          continue;
        case State.ArrayNext:
          if (c === 44) {
            this.state = State.Value;
            i++;
            continue;
          }
          if (c === 93) {
            i++;
            this.close(0, at, base + i);
            continue;
          }
          this.fail(`expected ',' or ']' in an array, found ${describeByte(c)}`, at);
          break;
        case State.ObjectNext:
          if (c === 44) {
            this.state = State.ObjectKey;
            i++;
            continue;
          }
          if (c === 125) {
            i++;
            this.close(1, at, base + i);
            continue;
          }
          this.fail(`expected ',' or '}' in an object, found ${describeByte(c)}`, at);
          break;
        case State.ObjectFirst:
        case State.ObjectKey:
          if (c === 125 && this.state === State.ObjectFirst) {
            i++;
            this.close(1, at, base + i);
            continue;
          }
          if (c !== 34) this.fail(`expected a quoted key in an object, found ${describeByte(c)}`, at);
          this.mark(at);
          this.token = Token.String;
          this.escaped = false;
          this.hadEscape = false;
          i = this.continueString(buf, i + 1, base);
          continue;
        case State.ArrayFirst:
          if (c === 93) {
            i++;
            this.close(0, at, base + i);
            continue;
          }
          i = this.startValue(buf, i, base, c, at);
          continue;
        case State.Value:
          i = this.startValue(buf, i, base, c, at);
          continue;
      }
    }
    this.offset = base + len;
  }

  /** Starts the value whose first byte c is at buf[i]; returns the next index. */
  private startValue(buf: Uint8Array, i: number, base: number, c: number, at: number): number {
    this.mark(at);
    if (c === 123 || c === 91) {
      if (this.depth >= this.stack.length) this.fail('nesting too deep', at);
      this.stack[this.depth++] = c === 123 ? 1 : 0;
      this.state = c === 123 ? State.ObjectFirst : State.ArrayFirst;
      this.tokenEnd = at + 1;
      if (c === 123) this.handler.startObject();
      else this.handler.startArray();
      return i + 1;
    }
    if (c === 34) {
      this.token = Token.String;
      this.escaped = false;
      this.hadEscape = false;
      return this.continueString(buf, i + 1, base);
    }
    if (isBare(c)) {
      this.token = Token.Bare;
      return this.continueBare(buf, i, base);
    }
    this.fail(`expected a value, found ${describeByte(c)}`, at);
  }

  /** The input ended: anything open is a truncation. */
  end(): void {
    // A number or word cut by the end of the file inside a container is a truncation.
    if (this.token === Token.Bare && this.depth === 0) this.finishBare();
    if (this.state === State.Done) return;
    if (!this.sawAnything) this.fail('the file is empty', this.offset);
    if (this.token === Token.String) this.fail('unexpected end of file inside a string: the JSON is truncated', this.offset);
    const open = this.depth;
    this.fail(
      `unexpected end of file: the JSON is truncated (${open} unclosed ${open === 1 ? 'bracket' : 'brackets'})`,
      this.offset,
    );
  }

  private close(kind: number, at: number, end: number): void {
    if (this.depth === 0 || this.stack[this.depth - 1] !== kind) this.fail(`unexpected ${kind === 0 ? "']'" : "'}'"}`, at);
    this.depth--;
    this.mark(at);
    this.tokenEnd = end;
    this.afterValue();
    if (kind === 0) this.handler.endArray();
    else this.handler.endObject();
  }

  private afterValue(): void {
    if (this.depth === 0) this.state = State.Done;
    else this.state = this.stack[this.depth - 1] === 0 ? State.ArrayNext : State.ObjectNext;
  }

  private collect(buf: Uint8Array, s: number, e: number): void {
    if (e <= s) return;
    this.partBytes += e - s;
    if (this.partBytes > this.maxTokenBytes) {
      this.fail(`a string or number longer than ${sizeText(this.maxTokenBytes)}: not a prediction file`, this.tokenOffset);
    }
    this.parts.push(buf.slice(s, e));
  }

  private takeParts(buf: Uint8Array, s: number, e: number): Uint8Array {
    if (this.parts.length === 0) return buf.subarray(s, e);
    this.collect(buf, s, e);
    const out = new Uint8Array(this.partBytes);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    this.parts = [];
    this.partBytes = 0;
    return out;
  }

  /** Scans string bytes from i; returns the index after the closing quote, or len if unfinished. */
  private continueString(buf: Uint8Array, i: number, base: number): number {
    const start = i;
    const len = buf.length;
    let escaped = this.escaped;
    while (i < len) {
      const c = buf[i]!;
      if (escaped) {
        escaped = false;
      } else if (c === 92) {
        escaped = true;
        this.hadEscape = true;
      } else if (c === 34) {
        break;
      } else if (c < 32) {
        this.fail(c === 10 ? 'unterminated string (a newline inside a string)' : 'control character inside a string', base + i);
      } else if (c >= 0x80 && c < 0xc0) {
        this.lineContinuation++;
      }
      i++;
    }
    if (i >= len) {
      this.escaped = escaped;
      this.collect(buf, start, len);
      this.offset = base + len;
      return len;
    }
    const bytes = this.takeParts(buf, start, i);
    this.token = Token.None;
    let text: string;
    try {
      text = utf8.decode(bytes);
      if (this.hadEscape) text = JSON.parse(`"${text}"`) as string;
    } catch {
      this.fail(this.hadEscape ? 'invalid escape sequence in a string' : 'invalid UTF-8 in a string', this.tokenOffset);
    }
    this.tokenEnd = base + i + 1;
    if (this.state === State.ObjectFirst || this.state === State.ObjectKey) {
      this.state = State.Colon;
      this.handler.key(text);
    } else {
      this.afterValue();
      this.handler.value(text);
    }
    return i + 1;
  }

  private continueBare(buf: Uint8Array, i: number, base: number): number {
    const start = i;
    const len = buf.length;
    while (i < len && isBare(buf[i]!)) i++;
    if (i >= len) {
      this.collect(buf, start, len);
      this.offset = base + len;
      return len;
    }
    this.tokenEnd = base + i;
    this.token = Token.None;
    if (this.parts.length === 0) {
      this.emitBare(buf, start, i);
    } else {
      const bytes = this.takeParts(buf, start, i);
      this.emitBare(bytes, 0, bytes.length);
    }
    return i;
  }

  private finishBare(): void {
    const bytes = this.takeParts(new Uint8Array(0), 0, 0);
    this.token = Token.None;
    this.tokenEnd = this.offset;
    this.emitBare(bytes, 0, bytes.length);
  }

  /** A number or a literal in b[s, e) (no copy: most numbers sit inside one chunk). */
  private emitBare(b: Uint8Array, s: number, e: number): void {
    let v: JsonScalar;
    if (isJsonNumber(b, s, e)) {
      v = parseFloatBytes(b, s, e);
      if (!Number.isFinite(v)) this.fail(`number ${ascii(b, s, e)} is too large for a 64-bit float`, this.tokenOffset);
    } else {
      const text = ascii(b, s, e);
      if (text === 'true') v = true;
      else if (text === 'false') v = false;
      else if (text === 'null') v = null;
      else if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') {
        const fix =
          text === 'NaN'
            ? ": write a missing value as null (None in Python before json.dump; pandas' to_json writes null) and leave its row out with --skip-invalid"
            : text === '-Infinity'
              ? ': a masked logit? Write a finite number in its place: -1e4 gives its class probability 0 in float64, as -inf does (logits.masked_fill(mask, -1e4))'
              : '';
        this.fail(`${text} is not valid JSON (Python's json module writes it for float('${text === 'NaN' ? 'nan' : text === 'Infinity' ? 'inf' : '-inf'}')): values must be finite numbers${fix}`, this.tokenOffset);
      } else if (/^-?[\d.]/.test(text)) {
        this.fail(`invalid number ${JSON.stringify(text.slice(0, 40))}`, this.tokenOffset);
      } else {
        this.fail(`expected a value, found ${JSON.stringify(text.slice(0, 40))}`, this.tokenOffset);
      }
    }
    this.afterValue();
    this.handler.value(v);
  }
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end && i < start + 200; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function describeByte(c: number): string {
  if (c >= 33 && c < 127) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * Builds JS values from events below a chosen depth: the reader captures one record or one array
 * element at a time, never the document.
 */
export class ValueBuilder {
  private stack: (unknown[] | Record<string, unknown>)[] = [];
  private keys: (string | undefined)[] = [];
  private pendingKey: string | undefined;
  /** Called with each finished value. */
  constructor(private readonly done: (v: unknown) => void) {}

  get active(): boolean {
    return this.stack.length > 0;
  }

  startObject(): void {
    this.keys.push(this.pendingKey);
    this.pendingKey = undefined;
    this.stack.push({});
  }
  startArray(): void {
    this.keys.push(this.pendingKey);
    this.pendingKey = undefined;
    this.stack.push([]);
  }
  key(k: string): void {
    this.pendingKey = k;
  }
  end(): void {
    const v = this.stack.pop()!;
    this.pendingKey = this.keys.pop();
    this.add(v);
  }
  value(v: unknown): void {
    this.add(v);
  }
  private add(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.done(v);
    } else if (Array.isArray(top)) {
      top.push(v);
    } else {
      top[this.pendingKey!] = v;
    }
    this.pendingKey = undefined;
  }
}
