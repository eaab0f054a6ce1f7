#!/bin/sh
# The JAX and numpy peers of `aelab bench`, in a virtual environment of their own.
#   bench/peers.sh {jax,numpy} WORKLOAD [--epochs N] [--threads N]
# First use creates bench/.venv and installs jax[cpu] and numpy with pip.
set -e
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import jax, numpy' 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --upgrade pip >&2
    "$venv/bin/pip" install -q 'jax[cpu]' numpy >&2
fi
impl=$1 workload=$2
shift 2 || { echo "usage: $0 {jax,numpy} WORKLOAD [--epochs N] [--threads N]" >&2; exit 2; }
threads=$(nproc) epochs=""
while [ $# -gt 0 ]; do
    case $1 in
        --threads) threads=$2; shift 2 ;;
        --epochs) epochs="--epochs $2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
# Thread counts for OpenBLAS (numpy) and XLA's Eigen pool (JAX).
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads
if [ "$threads" = 1 ]; then
    export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
else
    export XLA_FLAGS="--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=$threads"
fi
# shellcheck disable=SC2086
exec "$venv/bin/python" "$here/peers.py" "$impl" "$workload" $epochs
