/** Byte helpers shared by the readers. */

/**
 * The parts one after the other, `total` bytes long (their summed lengths). A single part is
 * returned as it is, not copied: callers that keep the result past the source's next chunk copy it.
 */
export function concatBytes(parts: Uint8Array[], total = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
