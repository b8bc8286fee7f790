#!/usr/bin/env bash
# The OpenBLAS kernels a CPU supports, where OpenBLAS itself chose older ones (used by compare.sh).
#   benchmarks/openblas-coretype.sh DETECTED "CPU FLAGS" VENDOR
# DETECTED is the core OpenBLAS named (OPENBLAS_VERBOSE=2 prints "Core: X"), the flags are /proc/cpuinfo's, VENDOR its
# vendor_id. Prints the OPENBLAS_CORETYPE to run with (SkylakeX for AVX-512, Zen or Haswell for AVX2 with FMA) when
# DETECTED is a pre-AVX2 core and the CPU has more; prints nothing otherwise.
# Why: OpenBLAS picks kernels by the CPU's model, and a virtual machine that hides the model ("Intel(R) Xeon(R)
# Processor") makes it fall back to Prescott's SSE3 kernels, a fifth of the AVX-512 ones on session 23's Xeon.
set -euo pipefail
detected=${1:-} flags=" ${2:-} " vendor=${3:-}
case $detected in
    Prescott|Katmai|Coppermine|Northwood|Banias|Core2|Penryn|Dunnington|Nehalem|Atom|Opteron|Barcelona|Bobcat|Sandybridge|Bulldozer|Piledriver|Steamroller|Excavator) ;;
    *) exit 0 ;;
esac
if [[ $flags == *" avx512f "* && $flags == *" avx512bw "* && $flags == *" avx512vl "* ]]; then
    echo SkylakeX
elif [[ $flags == *" avx2 "* && $flags == *" fma "* ]]; then
    [[ $vendor == AuthenticAMD ]] && echo Zen || echo Haswell
fi
