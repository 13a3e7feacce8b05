#!/bin/sh
# Builds bound.c (gcc -O2) twice, with glibc's exp and with Loss Lens's own exp (-DOWN_EXP), and
# runs both on the bench's .npy pair (8M x 10 float32 logits + int64 labels unless
# BENCH_BINARY_ROWS says otherwise; written by npy-pair.mjs if missing), 1 and 2 threads, RUNS
# times each (default 3), page cache warm: the native bound of the CLI's per-row work.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/loss-lens-native-bound
gcc -O2 -std=c11 -Wall -o "$out-libm" "$here/bound.c" -lm -pthread
gcc -O2 -std=c11 -Wall -DOWN_EXP -o "$out-own" "$here/bound.c" -lm -pthread
dir=$(node "$here/npy-pair.mjs")
cat "$dir/logits.npy" "$dir/labels.npy" > /dev/null
for exp in libm own; do
  echo "exp: $exp"
  for mode in read loss full; do
    for t in 1 2; do
      i=0
      while [ $i -lt "${RUNS:-3}" ]; do "$out-$exp" "$dir/logits.npy" "$dir/labels.npy" $t $mode; i=$((i + 1)); done
    done
  done
done
