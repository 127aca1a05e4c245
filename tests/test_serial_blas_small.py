"""A small matrix's BLAS work needs no thread limit (and no threadpoolctl scan of every
loaded library); a large one's is limited to one thread."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
from threadpoolctl import threadpool_limits

from glmformula.matrices import DenseModelMatrix, serial_blas, single_threaded


def _run(code: str) -> object:
    script = f"import json, sys\n{code}"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_small_matrix_never_makes_the_thread_controller() -> None:
    made = _run(
        "import numpy as np\n"
        "from glmformula import matrices\n"
        "X = matrices.DenseModelMatrix(np.arange(216.0).reshape(54, 4) % 7)\n"
        "X.gram_and_rhs(np.ones(54), np.ones(54)); X.matvec(np.ones(4)); "
        "X.rmatvec(np.ones(54))\n"
        "with matrices.serial_blas(54, 4):\n"
        "    pass\n"
        "print(json.dumps([matrices._SERIAL['controller'] is not None,"
        " 'threadpoolctl' in sys.modules]))")
    assert made == [False, False]


def test_a_large_matrix_limits_blas_to_one_thread() -> None:
    limited = _run(
        "import numpy as np\n"
        "from glmformula import matrices\n"
        "with matrices.serial_blas(100_000, 4):\n"
        "    apis = matrices.threadpool_controller().select(user_api='blas').info()\n"
        "print(json.dumps([api['num_threads'] for api in apis]))")
    assert isinstance(limited, list) and limited and set(limited) == {1}


def test_the_small_limit_follows_the_shape() -> None:
    assert single_threaded(54, 4)
    assert single_threaded(576, 16)
    assert not single_threaded(577, 16)  # more elements than one-thread gemv's
    assert not single_threaded(100, 17)  # a factorisation OpenBLAS may split


def test_a_small_matrix_gives_the_same_bits_on_one_and_two_threads() -> None:
    rng = np.random.default_rng(18)
    X = DenseModelMatrix(rng.normal(size=(500, 12)))
    w, z, b = rng.uniform(size=500), rng.normal(size=500), rng.normal(size=12)
    assert single_threaded(*X.shape)
    results = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            gram, rhs = X.gram_and_rhs(w, z)
            results.append((gram, rhs, X.matvec(b), X.rmatvec(z)))
    for one, two in zip(*results, strict=True):
        assert np.array_equal(one, two)


def test_nested_blocks_of_both_kinds_restore_the_thread_count() -> None:
    from threadpoolctl import threadpool_info

    def blas_threads() -> list[int]:
        return [api["num_threads"] for api in threadpool_info() if api["user_api"] == "blas"]

    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        with serial_blas(), serial_blas(10, 2):
            inside = blas_threads()
            with serial_blas(10, 2):
                pass
        after = blas_threads()
        # a block on a small matrix says the blocks inside it work on smaller ones
        with serial_blas(10, 2), serial_blas():
            small = blas_threads()
        with serial_blas(100_000, 50), serial_blas():
            large = blas_threads()
    assert set(inside) == {1}
    assert before == after
    assert small == before
    assert set(large) == {1}
