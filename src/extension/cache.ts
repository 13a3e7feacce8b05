/**
 * Results by file and modification time: a file that has not changed is never read twice for the
 * same options. Free of `vscode` (unit-tested). Entries are promises, so a second caller asking
 * while the first computation runs shares it instead of starting another worker.
 */
import type { AnalysisRequest } from '../core/analyze';
import { stableStringify } from './request';

export interface FileStamp {
  path: string;
  mtimeMs: number;
  size: number;
}

export function cacheKey(file: FileStamp, request: AnalysisRequest): string {
  return `${file.path}\u0000${file.mtimeMs}\u0000${file.size}\u0000${stableStringify(request)}`;
}

/** A small least-recently-used map; a rejected promise is dropped so the next call retries. */
export class ResultCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity = 16) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Promise<T> | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** The cached promise for `key`, or `compute()`'s, remembered until it fails or ages out. */
  getOrCompute(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.get(key);
    if (hit) return hit;
    const p = compute();
    this.entries.set(key, p);
    p.catch(() => {
      if (this.entries.get(key) === p) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return p;
  }

  /** Forget every entry of one file (all mtimes and options). */
  deleteFile(path: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${path}\u0000`)) this.entries.delete(key);
  }
}
