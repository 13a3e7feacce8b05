/**
 * Where the elements of given JSON arrays sit in a document's text: one string-aware pass over the
 * characters (no values built), so a hover can find the record under the cursor, and the i-th
 * entry of parallel arrays, without parsing the document. Text that is not valid JSON yields what
 * could be located before the damage; the reader reports the problem itself.
 */

/** A span of the text: UTF-16 offsets [start, end), 1-based lines, 0-based columns (as editors count). */
export interface TextSpan {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface JsonElement extends TextSpan {
  /** Which of the requested arrays (index into `paths`). */
  array: number;
  /** 0-based position in that array. */
  index: number;
}

interface Frame {
  isArray: boolean;
  /** Keys from the top down to this container; null inside an array (never a requested path). */
  path: string[] | null;
  key: string | undefined;
  /** Requested array this is, or -1. */
  target: number;
  count: number;
  expectElement: boolean;
  elementStart: number;
  elementLine: number;
  elementColumn: number;
}

const samePath = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((k, i) => k === b[i]);

/** Where to start instead of the top: an element of requested array `array` starts at `offset` (on 1-based `line`). */
export interface ScanStart {
  offset: number;
  line: number;
  array: number;
}

/**
 * Calls `visit` with each element of the arrays at `paths` (keys from the top; [] = the top-level
 * value), in text order; stops when `visit` returns true. With `from`, the scan starts inside that
 * array at one of its elements (indices then count from it) and ends with the array.
 */
export function scanJsonArrays(text: string, paths: readonly (readonly string[])[], visit: (e: JsonElement) => boolean | void, from?: ScanStart): void {
  const stack: Frame[] = [];
  const maxDepth = Math.max(0, ...paths.map((p) => p.length));
  let line = 1;
  let lineStart = 0;
  let begin = 0;
  if (from) {
    begin = from.offset;
    line = from.line;
    lineStart = text.lastIndexOf('\n', from.offset - 1) + 1;
    stack.push({
      isArray: true, path: [...(paths[from.array] ?? [])], key: undefined, target: from.array, count: 0,
      expectElement: true, elementStart: -1, elementLine: 0, elementColumn: 0,
    });
  }
  // End of the last token, for the end of an element: offset, line and column just past it.
  let lastEnd = 0;
  let lastLine = 1;
  let lastColumn = 0;
  let stringStart = -1;
  let stringEnd = -1;

  const startElement = (i: number): void => {
    const top = stack[stack.length - 1];
    if (top?.isArray && top.expectElement) {
      top.expectElement = false;
      top.elementStart = i;
      top.elementLine = line;
      top.elementColumn = i - lineStart;
    }
  };
  /** Closes the current element of the top array; true when the visitor wants no more. */
  const endElement = (): boolean => {
    const top = stack[stack.length - 1];
    if (!top?.isArray || top.elementStart < 0) return false;
    const e: JsonElement = {
      array: top.target, index: top.count, start: top.elementStart, end: lastEnd,
      line: top.elementLine, column: top.elementColumn, endLine: lastLine, endColumn: lastColumn,
    };
    top.count++;
    top.elementStart = -1;
    return top.target >= 0 && visit(e) === true;
  };
  const tokenEnd = (i: number): void => {
    lastEnd = i;
    lastLine = line;
    lastColumn = i - lineStart;
  };

  for (let i = begin; i < text.length; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 10: // \n
        line++;
        lineStart = i + 1;
        continue;
      case 32: case 9: case 13:
        continue;
      case 34: { // a string
        startElement(i);
        stringStart = i;
        let j = i + 1;
        while (j < text.length) {
          const d = text.charCodeAt(j);
          if (d === 92) j += 2;
          else if (d === 34) break;
          else j++;
        }
        i = Math.min(j, text.length - 1);
        stringEnd = i + 1;
        tokenEnd(i + 1);
        continue;
      }
      case 58: { // : after a key
        const top = stack[stack.length - 1];
        // Keys matter only on the way to a requested array (never inside records or vectors).
        if (top && !top.isArray && top.path !== null && top.path.length < maxDepth && stringStart >= 0) {
          try {
            top.key = JSON.parse(text.slice(stringStart, stringEnd)) as string;
          } catch {
            top.key = undefined;
          }
        }
        continue;
      }
      case 123: case 91: { // { [
        startElement(i);
        const parent = stack[stack.length - 1];
        const path = parent === undefined ? [] : !parent.isArray && parent.path !== null && parent.key !== undefined ? [...parent.path, parent.key] : null;
        const isArray = c === 91;
        const target = isArray && path !== null ? paths.findIndex((p) => samePath(p, path)) : -1;
        stack.push({
          isArray, path, key: undefined, target, count: 0, expectElement: isArray, elementStart: -1, elementLine: 0, elementColumn: 0,
        });
        continue;
      }
      case 125: case 93: { // } ]
        // The last element of an array ends with the token before its ']'.
        if (c === 93 && endElement()) return;
        stack.pop();
        if (from && stack.length === 0) return;
        tokenEnd(i + 1);
        continue;
      }
      case 44: { // ,
        if (endElement()) return;
        const top = stack[stack.length - 1];
        if (top?.isArray) top.expectElement = true;
        continue;
      }
      default: // a bare token: number, true, false, null
        startElement(i);
        tokenEnd(i + 1);
    }
  }
}
