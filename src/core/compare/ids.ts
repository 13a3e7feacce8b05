/**
 * A file's ids held compactly for matching two files by id: every id in one string with each
 * row's end offset, and matched through an open-addressing hash table in typed arrays. Some 23
 * bytes a row (7-character ids) where a string per row and a Map of them took over 100, and a
 * worker hands them back as three values (one string, two typed arrays) instead of a million.
 */
import { noIdMessage, repeatedIdMessage, RunMatchError, type IdAlignment, type OneSideOnly } from '../run/match';

/** Row r's id is text.slice(end[r - 1], end[r]) when present[r] is 1 (0: the row was not read, or had no id field). */
export interface PackedIds {
  text: string;
  end: Uint32Array;
  present: Uint8Array;
}

export function idAt(p: PackedIds, r: number): string | undefined {
  return p.present[r] ? p.text.slice(r === 0 ? 0 : p.end[r - 1]!, p.end[r]!) : undefined;
}

/** Builds PackedIds row by row (rows in increasing order; rows not given have no id). */
export function idPacker() {
  let end = new Uint32Array(1024);
  let present = new Uint8Array(1024);
  let rows = 0;
  let length = 0;
  // Joined every 4,096 ids: one array of a million short strings is what this module avoids.
  const chunks: string[] = [];
  let pending: string[] = [];
  const grow = (n: number) => {
    if (n <= end.length) return;
    const cap = Math.max(n, end.length * 2);
    const e = new Uint32Array(cap);
    e.set(end);
    const p = new Uint8Array(cap);
    p.set(present);
    end = e;
    present = p;
  };
  return {
    add(row: number, id: string | undefined) {
      if (row < rows) throw new Error(`ids: row ${row} after row ${rows - 1} (rows must arrive in order)`);
      grow(row + 1);
      end.fill(length, rows, row);
      rows = row + 1;
      if (id !== undefined) {
        present[row] = 1;
        pending.push(id);
        length += id.length;
        if (pending.length === 4096) {
          chunks.push(pending.join(''));
          pending = [];
        }
      }
      end[row] = length;
    },
    /** The ids of the first `n` rows (rows past the last added have none). */
    result(n: number): PackedIds {
      grow(n);
      end.fill(length, rows, n);
      chunks.push(pending.join(''));
      pending = [];
      const text = chunks.join('');
      chunks.length = 0;
      chunks.push(text);
      return { text, end: end.slice(0, n), present: present.slice(0, n) };
    },
  };
}

/** PackedIds of a list (undefined: no id): for tests and callers holding ids as strings. */
export function packIds(ids: readonly (string | undefined)[]): PackedIds {
  const p = idPacker();
  ids.forEach((id, r) => p.add(r, id));
  return p.result(ids.length);
}

/** What matching needs of a file: its name, rows' lines (0: not read) and ids. */
export interface PackedSide {
  name: string;
  line: ArrayLike<number>;
  ids: PackedIds;
}

/** FNV-1a over the id's UTF-16 code units. */
function hashOf(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A side's ids in a hash table: each present row once; throws as match.ts's idIndex on an empty or repeated id. */
class IdTable {
  readonly slots: Int32Array;
  readonly hash: Uint32Array;
  readonly mask: number;
  size = 0;

  constructor(readonly side: PackedSide) {
    const { text, end, present } = side.ids;
    const n = end.length;
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.hash = new Uint32Array(n);
    for (let r = 0; r < n; r++) {
      if (!present[r] && side.line[r] === 0) continue; // not read (skipped as invalid)
      const from = r === 0 ? 0 : end[r - 1]!;
      if (!present[r] || end[r] === from) throw new RunMatchError(noIdMessage(side, r));
      const h = hashOf(text, from, end[r]!);
      this.hash[r] = h;
      const seen = this.find(text, from, end[r]!, h);
      if (seen >= 0) throw new RunMatchError(repeatedIdMessage(side, r, idAt(side.ids, r)!, seen));
      let s = h & this.mask;
      while (this.slots[s] !== -1) s = (s + 1) & this.mask;
      this.slots[s] = r;
      this.size++;
    }
  }

  /** The row holding text[from, to) (hash h), or -1. */
  find(text: string, from: number, to: number, h: number): number {
    const { end, text: own } = this.side.ids;
    const len = to - from;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const r = this.slots[s]!;
      if (r === -1) return -1;
      if (this.hash[r] !== h) continue;
      const at = r === 0 ? 0 : end[r - 1]!;
      if (end[r]! - at !== len) continue;
      let i = 0;
      while (i < len && own.charCodeAt(at + i) === text.charCodeAt(from + i)) i++;
      if (i === len) return r;
    }
  }
}

/**
 * match.ts's alignByIds over packed ids: the same alignment and the same errors (an empty or
 * repeated id, in `first` before `other`), without a string or a Map entry per row.
 */
export function alignPackedIds(first: PackedSide, other: PackedSide): IdAlignment {
  const index = new IdTable(first);
  const seen = new IdTable(other);
  const rowOf = new Int32Array(first.ids.end.length).fill(-1);
  const onlyOther: OneSideOnly = { count: 0, first: null };
  const { text, end, present } = other.ids;
  for (let r = 0; r < end.length; r++) {
    if (!present[r]) continue;
    const from = r === 0 ? 0 : end[r - 1]!;
    const sample = index.find(text, from, end[r]!, seen.hash[r]!);
    if (sample !== -1) rowOf[sample] = r;
    else if (onlyOther.count++ === 0) onlyOther.first = { row: r, line: other.line[r]!, id: idAt(other.ids, r)! };
  }
  const onlyFirst: OneSideOnly = { count: 0, first: null };
  for (let r = 0; r < rowOf.length; r++) {
    if (!first.ids.present[r] || rowOf[r] !== -1) continue;
    if (onlyFirst.count++ === 0) onlyFirst.first = { row: r, line: first.line[r]!, id: idAt(first.ids, r)! };
  }
  return { rowOf, shared: index.size - onlyFirst.count, onlyFirst, onlyOther };
}
