/**
 * Hugging Face `datasets` records a table's features as JSON in its Arrow schema and Parquet
 * metadata (key `huggingface`): a `ClassLabel` column holds class indices whose names are there.
 */

/** The names of each `ClassLabel` column, from the `huggingface` metadata's JSON; empty when there is none or it cannot be read. */
export function classLabelNames(json: string | undefined): Map<string, string[]> {
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
    const f = feature as { _type?: unknown; names?: unknown } | null;
    if (f?._type !== 'ClassLabel' || !Array.isArray(f.names) || !f.names.every((n) => typeof n === 'string')) continue;
    out.set(column, f.names as string[]);
  }
  return out;
}
