/*
 * The IRLS pass's weighted sums over one chunk of rows, without Python's lock.
 * (And the chunk's linear predictor, X b + level effects + offset.)
 *
 * For a dense block X (n rows, k columns, column-major), a chunk of rows
 * [first, stop), the chunk's working weights w and working response z:
 *
 *   products[i][j] += sum_r w_r a_ri a_rj      for i <= j (the upper triangle),
 *                     where a = [X z] (column k is z);
 *   by_level[c][j] += sum_{r: code_r = c} w_r a_rj   (j <= k), and
 *   by_level[c][k + 1] += sum_{r: code_r = c} w_r.
 *
 * The additions run in an order fixed by the row count alone (blocks of
 * BLOCK rows, LANES running sums per product added in a fixed order), so a
 * chunk gives the same bits whichever thread computes it. Python's lock is
 * released while the sums run.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 128
#define LANES 8

#if defined(__GNUC__) && __GNUC__ >= 11 && !defined(__clang__) && defined(__x86_64__) \
    && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define VECTOR_CLONES
#endif

/* The sum over m rows of u_r v_r, in LANES running sums added in a fixed order. */
static inline double dot_lanes(const double *u, const double *v, Py_ssize_t m) {
    double lane[LANES] = {0.0};
    Py_ssize_t r = 0;
    for (; r + LANES <= m; r += LANES) {
        for (int l = 0; l < LANES; l++) {
            lane[l] += u[r + l] * v[r + l];
        }
    }
    for (int l = 0; r < m; r++, l++) {
        lane[l] += u[r] * v[r];
    }
    double total = 0.0;
    for (int l = 0; l < LANES; l++) {
        total += lane[l];
    }
    return total;
}

VECTOR_CLONES
static void chunk_sums(const double *x, Py_ssize_t n, Py_ssize_t k, Py_ssize_t first,
                       Py_ssize_t stop, const double *w, const double *z,
                       const int32_t *codes, Py_ssize_t n_levels, double *products,
                       double *by_level, double *weighted) {
    const Py_ssize_t width = k + 1;  /* [X z] */
    const Py_ssize_t level_width = k + 2;  /* w X, w z, w */
    for (Py_ssize_t start = first; start < stop; start += BLOCK) {
        const Py_ssize_t m = (stop - start < BLOCK) ? stop - start : BLOCK;
        const double *wb = w + (start - first);
        /* weighted[j] = w a_j over the block's rows */
        for (Py_ssize_t j = 0; j < width; j++) {
            const double *a = (j < k) ? x + j * n + start : z + (start - first);
            double *out = weighted + j * BLOCK;
            for (Py_ssize_t r = 0; r < m; r++) {
                out[r] = wb[r] * a[r];
            }
        }
        for (Py_ssize_t i = 0; i < width; i++) {
            const double *wi = weighted + i * BLOCK;
            for (Py_ssize_t j = i; j < width; j++) {
                const double *a = (j < k) ? x + j * n + start : z + (start - first);
                products[i * width + j] += dot_lanes(wi, a, m);
            }
        }
        if (codes != NULL) {
            const int32_t *cb = codes + (start - first);
            for (Py_ssize_t j = 0; j < width; j++) {
                const double *wj = weighted + j * BLOCK;
                for (Py_ssize_t r = 0; r < m; r++) {
                    by_level[(Py_ssize_t)cb[r] * level_width + j] += wj[r];
                }
            }
            for (Py_ssize_t r = 0; r < m; r++) {
                by_level[(Py_ssize_t)cb[r] * level_width + width] += wb[r];
            }
        }
    }
    (void)n_levels;
}

static int get_buffer(PyObject *object, Py_buffer *view, int flags, const char *name,
                      const char *format) {
    if (PyObject_GetBuffer(object, view, flags | PyBUF_FORMAT) != 0) {
        return -1;
    }
    if (strcmp(view->format, format) != 0 && !(format[0] == 'i' && strcmp(view->format, "<i") == 0)
        && !(format[0] == 'd' && strcmp(view->format, "<d") == 0)) {
        PyErr_Format(PyExc_TypeError, "%s must hold %s values, not '%s'", name,
                     format[0] == 'd' ? "float64" : "int32", view->format);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(sums_doc,
"sums(x, first, stop, w, z, codes, products, by_level)\n\n"
"Add one chunk's weighted sums into products ((k+1)^2, upper triangle of\n"
"[X z]'W[X z]) and, when codes is not None, by_level (levels x (k+2): the sums\n"
"by level of w X, w z and w). x: a column-major float64 (n, k) array; w, z:\n"
"float64 of the chunk's rows [first, stop); codes: int32 of those rows.");

static PyObject *sums(PyObject *self, PyObject *args) {
    PyObject *x_obj, *w_obj, *z_obj, *codes_obj, *products_obj, *by_level_obj;
    Py_ssize_t first, stop;
    (void)self;
    if (!PyArg_ParseTuple(args, "OnnOOOOO", &x_obj, &first, &stop, &w_obj, &z_obj,
                          &codes_obj, &products_obj, &by_level_obj)) {
        return NULL;
    }
    Py_buffer x, w, z, products, codes, by_level;
    int have_codes = codes_obj != Py_None;
    if (get_buffer(x_obj, &x, PyBUF_F_CONTIGUOUS, "x", "d") != 0) {
        return NULL;
    }
    if (x.ndim != 2) {
        PyBuffer_Release(&x);
        PyErr_SetString(PyExc_ValueError, "x must be a 2-d array");
        return NULL;
    }
    const Py_ssize_t n = x.shape[0], k = x.shape[1], m = stop - first;
    const Py_ssize_t width = k + 1;
    if (first < 0 || stop > n || m < 0) {
        PyBuffer_Release(&x);
        PyErr_SetString(PyExc_ValueError, "rows [first, stop) outside x");
        return NULL;
    }
    if (get_buffer(w_obj, &w, PyBUF_C_CONTIGUOUS, "w", "d") != 0) {
        PyBuffer_Release(&x);
        return NULL;
    }
    if (get_buffer(z_obj, &z, PyBUF_C_CONTIGUOUS, "z", "d") != 0) {
        PyBuffer_Release(&x);
        PyBuffer_Release(&w);
        return NULL;
    }
    if (get_buffer(products_obj, &products, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE, "products",
                   "d") != 0) {
        PyBuffer_Release(&x);
        PyBuffer_Release(&w);
        PyBuffer_Release(&z);
        return NULL;
    }
    int ok = w.len == m * (Py_ssize_t)sizeof(double) && z.len == m * (Py_ssize_t)sizeof(double)
             && products.len == width * width * (Py_ssize_t)sizeof(double);
    Py_ssize_t n_levels = 0;
    if (ok && have_codes) {
        if (get_buffer(codes_obj, &codes, PyBUF_C_CONTIGUOUS, "codes", "i") != 0) {
            ok = -1;
        } else if (get_buffer(by_level_obj, &by_level, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE,
                              "by_level", "d") != 0) {
            PyBuffer_Release(&codes);
            ok = -1;
        } else {
            n_levels = by_level.len / ((Py_ssize_t)sizeof(double) * (k + 2));
            ok = codes.len == m * (Py_ssize_t)sizeof(int32_t)
                 && by_level.len == n_levels * (k + 2) * (Py_ssize_t)sizeof(double);
            const int32_t *c = (const int32_t *)codes.buf;
            for (Py_ssize_t r = 0; ok && r < m; r++) {
                ok = c[r] >= 0 && c[r] < n_levels;
            }
            if (!ok) {
                PyBuffer_Release(&codes);
                PyBuffer_Release(&by_level);
            }
        }
    }
    double *weighted = NULL;
    if (ok == 1) {
        weighted = (double *)malloc(sizeof(double) * (size_t)(width * BLOCK));
        if (weighted == NULL) {
            if (have_codes) {
                PyBuffer_Release(&codes);
                PyBuffer_Release(&by_level);
            }
            ok = -2;
        }
    }
    if (ok == 1) {
        Py_BEGIN_ALLOW_THREADS
        chunk_sums((const double *)x.buf, n, k, first, stop, (const double *)w.buf,
                   (const double *)z.buf, have_codes ? (const int32_t *)codes.buf : NULL,
                   n_levels, (double *)products.buf,
                   have_codes ? (double *)by_level.buf : NULL, weighted);
        Py_END_ALLOW_THREADS
        free(weighted);
        if (have_codes) {
            PyBuffer_Release(&codes);
            PyBuffer_Release(&by_level);
        }
    }
    PyBuffer_Release(&x);
    PyBuffer_Release(&w);
    PyBuffer_Release(&z);
    PyBuffer_Release(&products);
    if (ok == 1) {
        Py_RETURN_NONE;
    }
    if (ok == 0) {
        PyErr_SetString(PyExc_ValueError,
                        "sums: w, z and codes need one value per row of the chunk, products "
                        "(k+1)^2 values, by_level a multiple of k+2 and codes within its levels");
    } else if (ok == -2) {
        PyErr_NoMemory();
    }
    return NULL;
}

VECTOR_CLONES
static void linear_predictor(const double *x, Py_ssize_t n, Py_ssize_t k, Py_ssize_t first,
                             Py_ssize_t stop, const double *coef, const int32_t *codes,
                             const double *level_coef, const double *offset, double *eta) {
    const Py_ssize_t m = stop - first;
    for (Py_ssize_t r = 0; r < m; r++) {
        eta[r] = 0.0;
    }
    for (Py_ssize_t j = 0; j < k; j++) {  /* column by column, in column order */
        const double *a = x + j * n + first;
        const double b = coef[j];
        for (Py_ssize_t r = 0; r < m; r++) {
            eta[r] += a[r] * b;
        }
    }
    if (codes != NULL) {
        for (Py_ssize_t r = 0; r < m; r++) {
            eta[r] += level_coef[codes[r]];
        }
    }
    if (offset != NULL) {
        for (Py_ssize_t r = 0; r < m; r++) {
            eta[r] += offset[r];
        }
    }
}

PyDoc_STRVAR(eta_doc,
"linear_predictor(x, first, stop, coef, codes, level_coef, offset, eta)\n\n"
"Write X b (+ the level effects level_coef[codes], + offset) for the rows\n"
"[first, stop) of the column-major float64 (n, k) array x into eta; codes,\n"
"level_coef and offset may be None (codes and offset hold the chunk's rows).");

static PyObject *eta_function(PyObject *self, PyObject *args) {
    PyObject *x_obj, *coef_obj, *codes_obj, *level_obj, *offset_obj, *eta_obj;
    Py_ssize_t first, stop;
    (void)self;
    if (!PyArg_ParseTuple(args, "OnnOOOOO", &x_obj, &first, &stop, &coef_obj, &codes_obj,
                          &level_obj, &offset_obj, &eta_obj)) {
        return NULL;
    }
    Py_buffer views[6];
    int held[6] = {0};
    PyObject *objects[6] = {x_obj, coef_obj, codes_obj, level_obj, offset_obj, eta_obj};
    const int flags[6] = {PyBUF_F_CONTIGUOUS, PyBUF_C_CONTIGUOUS, PyBUF_C_CONTIGUOUS,
                          PyBUF_C_CONTIGUOUS, PyBUF_C_CONTIGUOUS,
                          PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE};
    const char *names[6] = {"x", "coef", "codes", "level_coef", "offset", "eta"};
    const char *formats[6] = {"d", "d", "i", "d", "d", "d"};
    int ok = 1;
    for (int b = 0; ok && b < 6; b++) {
        if (objects[b] == Py_None && (b == 2 || b == 3 || b == 4)) {
            continue;
        }
        if (get_buffer(objects[b], &views[b], flags[b], names[b], formats[b]) != 0) {
            ok = -1;
        } else {
            held[b] = 1;
        }
    }
    Py_ssize_t n = 0, k = 0, m = stop - first, levels = 0;
    if (ok == 1) {
        n = views[0].ndim == 2 ? views[0].shape[0] : -1;
        k = views[0].ndim == 2 ? views[0].shape[1] : -1;
        levels = held[3] ? views[3].len / (Py_ssize_t)sizeof(double) : 0;
        ok = n >= 0 && first >= 0 && m >= 0 && stop <= n
             && views[1].len == k * (Py_ssize_t)sizeof(double)
             && views[5].len == m * (Py_ssize_t)sizeof(double)
             && held[2] == held[3]
             && (!held[2] || views[2].len == m * (Py_ssize_t)sizeof(int32_t))
             && (!held[4] || views[4].len == m * (Py_ssize_t)sizeof(double));
        if (ok && held[2]) {
            const int32_t *c = (const int32_t *)views[2].buf;
            for (Py_ssize_t r = 0; ok && r < m; r++) {
                ok = c[r] >= 0 && c[r] < levels;
            }
        }
    }
    if (ok == 1) {
        Py_BEGIN_ALLOW_THREADS
        linear_predictor((const double *)views[0].buf, n, k, first, stop,
                         (const double *)views[1].buf,
                         held[2] ? (const int32_t *)views[2].buf : NULL,
                         held[3] ? (const double *)views[3].buf : NULL,
                         held[4] ? (const double *)views[4].buf : NULL,
                         (double *)views[5].buf);
        Py_END_ALLOW_THREADS
    }
    for (int b = 0; b < 6; b++) {
        if (held[b]) {
            PyBuffer_Release(&views[b]);
        }
    }
    if (ok == 1) {
        Py_RETURN_NONE;
    }
    if (ok == 0) {
        PyErr_SetString(PyExc_ValueError,
                        "linear_predictor: x must be 2-d with the rows [first, stop), coef one "
                        "value per column, eta, codes and offset one per row of the chunk, "
                        "codes and level_coef given together and codes within its levels");
    }
    return NULL;
}

static PyMethodDef methods[] = {
    {"sums", sums, METH_VARARGS, sums_doc},
    {"linear_predictor", eta_function, METH_VARARGS, eta_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_glmformula_sums",
    "The IRLS pass's linear predictor and weighted sums over a chunk of rows, without "
    "Python's lock.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__glmformula_sums(void) { return PyModule_Create(&module); }
