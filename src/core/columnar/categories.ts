/**
 * The class order a writer records for a text label column: a pandas Categorical's categories
 * (pandas' `pandas` metadata says `categorical`; the categories are the column's dictionary), a
 * polars Enum's values (field metadata `_PL_ENUM_VALUES2`), an Arrow dictionary marked ordered.
 * A polars Categorical is none of these: its dictionary is the strings in the order first seen.
 */

/** A label column's categories, in order, and where they were read (for the evidence). */
export interface Categories {
  names: string[];
  from: string;
}

/** The columns pandas' metadata (JSON under the key `pandas`) says are Categorical; none when it is absent or unreadable. */
export function pandasCategoricalColumns(json: string | undefined): Set<string> {
  if (json === undefined) return new Set();
  let meta: { columns?: { name?: unknown; pandas_type?: unknown }[] } | null;
  try {
    meta = JSON.parse(json) as typeof meta;
  } catch {
    return new Set(); // pandas' metadata is a hint: unreadable, there is none
  }
  return new Set((meta?.columns ?? []).filter((c) => c.pandas_type === 'categorical' && typeof c.name === 'string').map((c) => c.name as string));
}

/**
 * A polars Enum's values from its field metadata: `_PL_ENUM_VALUES2` (polars 1.x) and
 * `_PL_ENUM_VALUES` hold each value as its UTF-8 byte length, `;`, the value
 * (`7;neutral8;negative`). Undefined when neither is there or the text is not that.
 */
export function polarsEnumValues(metadata: ReadonlyMap<string, string>): string[] | undefined {
  const text = metadata.get('_PL_ENUM_VALUES2') ?? metadata.get('_PL_ENUM_VALUES');
  if (text === undefined) return undefined;
  const bytes = new TextEncoder().encode(text);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const out: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    let len = 0;
    const start = i;
    while (i < bytes.length && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) len = len * 10 + bytes[i++]! - 0x30;
    if (i === start || bytes[i] !== 0x3b || i + 1 + len > bytes.length) return undefined;
    try {
      out.push(utf8.decode(bytes.subarray(i + 1, i + 1 + len)));
    } catch {
      return undefined;
    }
    i += 1 + len;
  }
  return out.length > 0 ? out : undefined;
}
