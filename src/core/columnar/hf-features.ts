import type { ColumnInfo } from './types';

/**
 * Hugging Face `datasets` records a table's features as JSON in its Arrow schema and Parquet
 * metadata (key `huggingface`): a `ClassLabel` column holds class indices whose names are there.
 */

/** The names of each `ClassLabel` column, from the `huggingface` metadata's JSON; empty when there is none or it cannot be read. */
export function classLabelNames(json: string | undefined): Map<string, string[]> {
  return classLabels(json, (f) => f);
}

/**
 * The names of each column of lists of `ClassLabel` (`Sequence(ClassLabel(names))`, written
 * `List` by datasets 4+): a multi-label data set's class ids, several a row (go_emotions' labels).
 */
export function classLabelListNames(json: string | undefined): Map<string, string[]> {
  return classLabels(json, (f) => (f?._type === 'Sequence' || f?._type === 'List' ? (f as { feature?: Feature }).feature : undefined));
}

type Feature = { _type?: unknown; names?: unknown } | null | undefined;

/** The `ClassLabel` names of each column whose feature, through `inner`, is one. */
function classLabels(json: string | undefined, inner: (f: Feature) => Feature): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (json === undefined) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Metadata is a courtesy: a file whose metadata does not parse is still read, unnamed.
    return out;
  }
  const features = (parsed as { info?: { features?: unknown } } | null)?.info?.features;
  if (features === null || typeof features !== 'object') return out;
  for (const [column, feature] of Object.entries(features as Record<string, unknown>)) {
    const f = inner(feature as Feature);
    if (f?._type !== 'ClassLabel' || !Array.isArray(f.names) || !f.names.every((n) => typeof n === 'string')) continue;
    out.set(column, f.names as string[]);
  }
  return out;
}

/**
 * Why a column of lists of class ids is not read (set as its `unsupported`): the loss reads
 * multi-label targets as K numbers a row, and lists of ids have as many as the row has labels.
 */
export function classIdListsWhy(names: string[]): string {
  const k = names.length;
  return (
    `it holds lists of class ids, as many a row as its labels (a datasets Sequence(ClassLabel) of ${names.length <= 6 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, ... ${k} names`}): ` +
    `multi-label targets are read as a multi-hot vector of ${k} a row; write them as one, e.g. ds.map(lambda r: {"labels": [float(i in r["labels"]) for i in range(${k})]})`
  );
}

/** Marks each column of lists of class ids (classLabelListNames) as not read, saying why and the fix. */
export function markClassIdLists(columns: ColumnInfo[], json: string | undefined): void {
  for (const [name, names] of classLabelListNames(json)) {
    const c = columns.find((x) => x.name === name);
    if (c !== undefined && c.kind === 'number') Object.assign(c, { kind: 'unsupported', vector: false, width: 0, shape: [c.rows], unsupported: classIdListsWhy(names) });
  }
}
