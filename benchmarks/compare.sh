#!/usr/bin/env bash
# Pretrain side by side with the plain-PyTorch baseline, on this machine, in one run.
#   benchmarks/compare.sh [--reps N] [--quick] [--out FILE.json] [--baseline DIR] [--python PATH] [--threads N]
# Alternates Pretrain's loops (benchmarks/Pretrain.Benchmarks loops) and the baseline's throughput_torch.py (followed by
# benchmarks/extra_loops_torch.py, this repository's PyTorch versions of the loops the baseline lacks) N times
# (default 3; --quick: 1, and Pretrain times 1 epoch a loop instead of 3 and checks memory over 10 epochs instead of
# 100), the first program swapping every alternation, then prints per loop both medians, the ratio, and the GFLOP/s
# reached as a share of the matrix-product peak measured in the same run, as a Markdown table (see benchmarks/README.md).
# The baseline is read where it lives (default ../shared/baselines/pytorch next to the repository, or
# $PRETRAIN_BASELINE), never copied. Where its Python, torch or data is missing, Pretrain runs alone with null ratios.
# --threads N (default 2, what the baseline itself sets) is the torch thread count of both programs.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps="" quick="" out="" threads=2
baseline=${PRETRAIN_BASELINE:-$repo/../shared/baselines/pytorch}
python=${PYTHON:-/usr/bin/python3}
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --reps: expected a positive integer, received '${2:-}'." >&2; exit 2; }; reps=$2; shift 2 ;;
        --quick) quick=--quick; shift ;;
        --out) [[ -n ${2:-} ]] || { echo "compare.sh: --out: expected a file name." >&2; exit 2; }; out=$2; shift 2 ;;
        --baseline) [[ -n ${2:-} ]] || { echo "compare.sh: --baseline: expected a folder." >&2; exit 2; }; baseline=$2; shift 2 ;;
        --python) [[ -n ${2:-} ]] || { echo "compare.sh: --python: expected an interpreter." >&2; exit 2; }; python=$2; shift 2 ;;
        --threads) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --threads: expected a positive integer, received '${2:-}'." >&2; exit 2; }; threads=$2; shift 2 ;;
        -h|--help) usage ;;
        *) echo "compare.sh: unknown argument '$1'." >&2; usage 2 ;;
    esac
done
reps=${reps:-$([[ -n $quick ]] && echo 1 || echo 3)}
[[ -z $out || $out = /* ]] || out=$PWD/$out

echo "Building benchmarks/Pretrain.Benchmarks (Release)..."
dotnet build "$repo/benchmarks/Pretrain.Benchmarks" -c Release -m:1 -v q --nologo >/dev/null
dll=$repo/benchmarks/Pretrain.Benchmarks/bin/Release/net10.0/Pretrain.Benchmarks.dll

# The baseline runs only where its script, its Python with torch, and the Fashion-MNIST files it reads are all present;
# Pretrain would otherwise measure the embedded slice, which is the same work but not the same data.
images=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}/train-images-idx3-ubyte.gz
note=""
if [[ ! -f $baseline/throughput_torch.py ]]; then
    note="PyTorch baseline not run: $baseline/throughput_torch.py not found (set --baseline DIR or PRETRAIN_BASELINE). Pretrain alone; ratios are null."
elif ! command -v "$python" >/dev/null 2>&1 || ! "$python" -c 'import torch' >/dev/null 2>&1; then
    note="PyTorch baseline not run: $python cannot import torch (Debian: apt-get install python3-torch libopenblas0-openmp). Pretrain alone; ratios are null."
elif [[ ! -f $images ]]; then
    note="PyTorch baseline not run: $images not found (Debian: apt-get install dataset-fashion-mnist). Pretrain alone; ratios are null."
elif blas=$("$python" -c 'import os; print(os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"))' 2>/dev/null) \
        && [[ -e $blas && $blas != *openblas* ]]; then
    # Debian's torch calls the system BLAS: the reference one is about 20x slower (../shared/baselines/README.md), so a
    # ratio against it would flatter Pretrain meaninglessly.
    note="PyTorch baseline not run: its torch would use the reference BLAS $blas, about 20x slower than OpenBLAS (Debian: apt-get install libopenblas0-openmp). Pretrain alone; ratios are null."
fi
[[ -z $note ]] || echo "$note"

# OpenBLAS picks its kernels by the CPU's model; where a virtual machine hid it and OpenBLAS fell back to kernels older
# than the CPU's instruction set, every ratio would measure that mistake, so the baseline runs with the kernels the CPU
# supports (benchmarks/openblas-coretype.sh). An OPENBLAS_CORETYPE the user set is left alone.
blas_note=""
if [[ -z $note && -z ${OPENBLAS_CORETYPE:-} ]]; then
    detected=$(OPENBLAS_VERBOSE=2 "$python" -c 'import torch; torch.ones(2, 2) @ torch.ones(2, 2)' 2>&1 | sed -n 's/^Core: //p' | head -1)
    supported=$("$repo/benchmarks/openblas-coretype.sh" "$detected" "$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2)" \
        "$(grep -m1 '^vendor_id' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | tr -d ' ')")
    if [[ -n $supported ]]; then
        export OPENBLAS_CORETYPE=$supported
        blas_note="OpenBLAS took this CPU for $detected; the baseline ran with OPENBLAS_CORETYPE=$supported, the kernels its instruction set supports."
        echo "$blas_note"
    fi
fi

extra_note=""
runs=$(mktemp -d "${TMPDIR:-/tmp}/pretrain-compare.XXXXXX")
echo "Runs and logs in $runs; $reps alternation(s); torch threads $threads in both programs."
run_pretrain() {
    echo "[$1/$reps] Pretrain loops..."
    dotnet "$dll" loops $quick --threads "$threads" --out "$runs/pretrain-$1.json" >"$runs/pretrain-$1.log" 2>&1 \
        || { echo "Pretrain's loops failed; see $runs/pretrain-$1.log:" >&2; tail -20 "$runs/pretrain-$1.log" >&2; exit 1; }
}
pin_threads='import runpy, sys, torch
threads = int(sys.argv[1])
torch.set_num_threads(threads)
torch.set_num_threads = lambda n: None
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")'
run_baseline() {
    [[ -z $note ]] || return 0
    echo "[$1/$reps] PyTorch throughput_torch.py..."
    # The script fixes torch.set_num_threads(2) when it imports common.py; this runs it unchanged, from its folder, with
    # that call pinned to --threads, so both programs use the same number of threads.
    if ! (cd "$baseline" && "$python" -c "$pin_threads" "$threads" throughput_torch.py "$runs/baseline-$1.json") >"$runs/baseline-$1.log" 2>&1; then
        note="PyTorch baseline failed in alternation $1 (see $runs/baseline-$1.log); its results are left out, ratios are null."
        echo "$note" >&2
        rm -f "$runs"/baseline-*.json "$runs"/extra-*.json
        return 0
    fi
    # The loops the baseline lacks (CD-5, PCD-1, text ranking), in plain PyTorch written here; run from the baseline's
    # folder so that it reads the images with the baseline's loader. Its rows join the baseline's in the report.
    [[ -z $extra_note ]] || return 0
    echo "[$1/$reps] PyTorch benchmarks/extra_loops_torch.py..."
    if ! (cd "$baseline" && "$python" -c "$pin_threads" "$threads" "$repo/benchmarks/extra_loops_torch.py" "$runs/extra-$1.json" $quick) >"$runs/extra-$1.log" 2>&1; then
        extra_note="benchmarks/extra_loops_torch.py failed in alternation $1 (see $runs/extra-$1.log); CD-5, PCD-1 and ranking have no PyTorch figure."
        echo "$extra_note" >&2
        rm -f "$runs"/extra-*.json
    fi
}
for ((i = 1; i <= reps; i++)); do
    if ((i % 2 == 1)); then run_pretrain "$i"; run_baseline "$i"; else run_baseline "$i"; run_pretrain "$i"; fi
done

machine="Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
dotnet "$dll" report "$runs" ${out:+--out "$out"} --note "${note:+$note }${extra_note:+$extra_note }${blas_note:+$blas_note }$machine"
