/** mulberry32: a seeded PRNG, uniform in [0, 1). */
export declare function rng(seed: number): () => number;
