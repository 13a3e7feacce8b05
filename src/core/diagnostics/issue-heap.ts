/**
 * The n rows with the lowest scores of a stream: a bounded max-heap whose root is the highest score
 * kept. Hand-written (as breakdown/topk.ts) so that a row that cannot enter costs one comparison and
 * one that enters copies a few numbers into typed arrays, allocating nothing per row.
 *
 * Ties go to the earlier row (lower ordinal): rows arrive in order, so a later row with an equal
 * score never displaces a kept one, and the kept set is the first n of the stable sort by score.
 */
export class LowestScores {
  size = 0;
  readonly score: Float64Array;
  readonly ordinal: Float64Array;
  /** Where each kept entry's row data lives in the owner's arrays (slot i of this heap). */
  readonly slot: Int32Array;

  constructor(readonly capacity: number) {
    this.score = new Float64Array(capacity);
    this.ordinal = new Float64Array(capacity);
    this.slot = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.slot[i] = i;
  }

  /** Whether a row with this score would be kept (checked before the caller fills its data). */
  admits(score: number): boolean {
    return this.size < this.capacity || (this.capacity > 0 && score < this.score[0]!);
  }

  /**
   * Takes a row that `admits` accepted and returns the slot its data goes in: a fresh one while the
   * heap fills, then the evicted root's.
   */
  insert(score: number, ordinal: number): number {
    let i: number;
    let slot: number;
    if (this.size < this.capacity) {
      i = this.size++;
      slot = this.slot[i]!;
      // Sift up.
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.above(score, ordinal, parent)) break;
        this.move(parent, i);
        i = parent;
      }
    } else {
      slot = this.slot[0]!;
      i = 0;
      // Sift down from the root, whose entry is replaced.
      for (;;) {
        const l = 2 * i + 1;
        if (l >= this.size) break;
        const r = l + 1;
        const c = r < this.size && this.higher(r, l) ? r : l;
        if (this.above(score, ordinal, c)) break;
        this.move(c, i);
        i = c;
      }
    }
    this.score[i] = score;
    this.ordinal[i] = ordinal;
    this.slot[i] = slot;
    return slot;
  }

  /** The kept slots, lowest score first (ties: earlier row first). */
  sortedSlots(): number[] {
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => this.score[a]! - this.score[b]! || this.ordinal[a]! - this.ordinal[b]!);
    return order.map((i) => this.slot[i]!);
  }

  /** Whether (score, ordinal) ranks above (is kept before eviction over) entry j: a higher score, or an equal score and a later row. */
  private above(score: number, ordinal: number, j: number): boolean {
    return score > this.score[j]! || (score === this.score[j]! && ordinal > this.ordinal[j]!);
  }

  private higher(a: number, b: number): boolean {
    return this.above(this.score[a]!, this.ordinal[a]!, b);
  }

  private move(from: number, to: number): void {
    this.score[to] = this.score[from]!;
    this.ordinal[to] = this.ordinal[from]!;
    this.slot[to] = this.slot[from]!;
  }
}
