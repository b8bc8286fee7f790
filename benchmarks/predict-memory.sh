#!/usr/bin/env bash
# Peak memory of `pretrain predict` on a small and a 20x larger file, NPY and CSV: with the file streamed a batch at a
# time, the two peaks should be about the same. Needs a Release build (dotnet build Pretrain.sln -c Release) and
# python3 with numpy (PYTHON=/usr/bin/python3 to choose one). Usage: benchmarks/predict-memory.sh [ROWS]   (default 100000 rows of 784 features for NPY;
# CSV gets a fifth of that). Writes its files under a temporary folder and removes them.
set -euo pipefail
rows=${1:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
pretrain="$root/src/Host/bin/Release/net10.0/pretrain"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1

"${PYTHON:-python3}" - "$work" "$rows" <<'PY'
import sys, numpy as np
work, rows = sys.argv[1], int(sys.argv[2])
g = np.random.default_rng(0)
np.savez(f"{work}/weights.npz", **{"hidden1.weight": g.normal(0, 0.05, (64, 784)).astype(np.float32),
    "hidden1.bias": np.zeros(64, np.float32), "head.weight": g.normal(0, 0.1, (10, 64)).astype(np.float32),
    "head.bias": np.zeros(10, np.float32)})
for name, n in (("small", rows // 20), ("large", rows)):
    x = np.lib.format.open_memmap(f"{work}/{name}.npy", mode="w+", dtype=np.float32, shape=(n, 784))
    for start in range(0, n, 10000):
        x[start:start + 10000] = g.integers(0, 256, (min(10000, n - start), 784))
    x.flush()
    with open(f"{work}/{name}.csv", "w") as f:
        for start in range(0, n // 5, 10000):
            np.savetxt(f, np.asarray(x[start:min(start + 10000, n // 5)]), fmt="%d", delimiter=",")
PY
"$pretrain" import "$work/weights.npz" --map '(.*)=$1' --as probe --catalog "$work/catalog" > /dev/null

printf '%-6s %-6s %10s %10s %12s\n' format file examples "MB file" "peak RSS MB"
for format in npy csv; do
  for name in small large; do
    file="$work/$name.$format"
    /usr/bin/time -f '%M' -o "$work/rss" "$pretrain" predict "$work/catalog/probe" --data "$file" --out "$work/out.csv" --device cpu > /dev/null
    printf '%-6s %-6s %10s %10s %12s\n' "$format" "$name" "$(($(wc -l < "$work/out.csv") - 1))" \
      "$(($(stat -c %s "$file") / 1048576))" "$(($(cat "$work/rss") / 1024))"
  done
done
