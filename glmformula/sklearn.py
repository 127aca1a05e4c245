"""scikit-learn estimators over a formula: ``GLMRegressor`` and ``GLMClassifier``.

A formula GLM in a ``Pipeline``, ``cross_val_score`` or ``GridSearchCV``
(over ``family``, ``link`` or ``formula``). The convention for X and y:

- ``X`` is a data frame (pandas, polars, Arrow, a dict of columns) holding the
  columns that the formula's right-hand side names, and may hold others; a
  numpy array's columns are named ``x0, x1, ...`` (or the names X had at fit);
- ``y`` given separately is put in as the response column named by the
  formula's left-hand side (``"y ~ x1 + g"``: column ``y``), so the left-hand
  side must be a plain name; with ``y=None`` the response is read from X
  (which is how ``cbind(dead, alive) ~ ...`` and ``log(y) ~ ...`` work);
- ``sample_weight`` are prior weights, as glm()'s ``weights``; ``offset``
  names a column of X (or write ``offset(log(exposure))`` in the formula).

``predict`` gives the mean (the response scale); the fitted
:class:`~glmformula.result.GLMResult` is ``model_``, with R's summary,
anova and the rest. ``GLMClassifier`` is binomial: ``classes_`` are the two
labels sorted, the second is the "success" (as the second level of R's factor
response), ``predict_proba`` its probabilities.

>>> import glmformula as gf
>>> from glmformula.sklearn import GLMRegressor
>>> wb = gf.datasets.load("warpbreaks")
>>> reg = GLMRegressor("breaks ~ wool + tension", family="poisson")
>>> reg = reg.fit(wb[["wool", "tension"]], wb["breaks"])
>>> round(reg.model_.deviance, 4), round(float(reg.predict(wb.head(1))[0]), 3)
(210.3919, 40.124)

scikit-learn is optional: ``pip install "glmformula[sklearn]"``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from glmformula.data_input import as_pandas, type_name
from glmformula.errors import ArgumentTypeError
from glmformula.families import Family, get_family
from glmformula.links import Link
from glmformula.model import glm
from glmformula.optional import optional_dependency_message
from glmformula.result import GLMResult

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.validation import check_is_fitted
except ImportError as _error:  # pragma: no cover - depends on the environment
    raise ImportError(optional_dependency_message(
        "sklearn", "glmformula.sklearn", "sklearn", _error)) from None

_NAME = re.compile(r"^\s*(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_.]*))\s*$")


def _response_name(formula: str) -> str | None:
    """The formula's left-hand side when it is a plain (or backquoted) column name."""
    if not isinstance(formula, str) or "~" not in formula:
        raise ArgumentTypeError(f"formula must be a str such as 'y ~ x1 + x2'; got "
                                f"{formula!r}")
    match = _NAME.match(formula.split("~", 1)[0])
    return None if match is None else (match.group(1) or match.group(2))


class _FormulaGLM(BaseEstimator):  # type: ignore[misc]
    """What the regressor and the classifier share: X and y as a data frame, the fit."""

    model_: GLMResult
    n_features_in_: int
    feature_names_in_: np.ndarray

    def __init__(self, formula: str = "y ~ .", family: str | Family = "gaussian",
                 link: str | Link | None = None, *, offset: str | None = None,
                 contrasts: Mapping[str, Any] | None = None,
                 control: Mapping[str, Any] | None = None) -> None:
        self.formula = formula
        self.family = family
        self.link = link
        self.offset = offset
        self.contrasts = contrasts
        self.control = control

    # --- X and y as the data frame of the formula ----------------------------------------
    def _frame(self, X: Any, fitting: bool) -> pd.DataFrame:
        if hasattr(X, "tocsr") or hasattr(X, "toarray"):
            raise TypeError("sparse input is not supported: a formula reads the columns of a "
                            "data frame; pass X.toarray() or a DataFrame")
        if isinstance(X, pd.DataFrame):
            frame = X
            if not all(isinstance(c, str) for c in X.columns):  # names a formula can use
                frame = self._array_frame(X, fitting)
        elif isinstance(X, np.ndarray | list | tuple) or (hasattr(X, "__array__") and not (
                hasattr(X, "__arrow_c_stream__") or hasattr(X, "columns"))):
            frame = self._array_frame(X, fitting)
        else:
            converted = as_pandas(X, "X")
            if isinstance(converted, Mapping):
                converted = pd.DataFrame(dict(converted))
            if not isinstance(converted, pd.DataFrame):
                raise ValueError(f"X must be a data frame (pandas, polars, Arrow, a dict of "
                                 f"columns) or a 2-d array; got a {type_name(X)}")
            frame = converted
        if frame.shape[0] == 0 or frame.shape[1] == 0:
            raise ValueError(f"Found array with {frame.shape[0]} sample(s) and "
                             f"{frame.shape[1]} feature(s) (shape={frame.shape}) while a minimum "
                             "of 1 is required.")
        if fitting:
            self.n_features_in_ = frame.shape[1]
            names = [str(c) for c in frame.columns]
            if isinstance(X, np.ndarray) or not all(isinstance(c, str) for c in frame.columns):
                if hasattr(self, "feature_names_in_"):
                    del self.feature_names_in_
            else:
                self.feature_names_in_ = np.asarray(names, dtype=object)
        return frame

    def _array_frame(self, X: Any, fitting: bool) -> pd.DataFrame:
        array = np.asarray(X)
        if array.ndim != 2:
            raise ValueError(f"Expected 2D array, got {array.ndim}D array instead: a 2-d X "
                             "(rows by columns) or a data frame. Reshape your data either "
                             "using X.reshape(-1, 1) for a single feature or X.reshape(1, -1) "
                             "for a single sample.")
        if np.iscomplexobj(array):
            raise ValueError("Complex data not supported: a GLM needs real numbers")
        if array.dtype == object:  # numbers as objects are numbers; text stays text (factors)
            try:
                array = array.astype(float)
            except ValueError:
                pass
        if not fitting:
            check_is_fitted(self)
            if array.shape[1] != self.n_features_in_:
                raise ValueError(f"X has {array.shape[1]} features, but {type(self).__name__} "
                                 f"is expecting {self.n_features_in_} features as input")
        names = getattr(self, "feature_names_in_", None) if not fitting else None
        columns = list(names) if names is not None else [f"x{i}" for i in range(array.shape[1])]
        return pd.DataFrame(array, columns=columns)

    def _with_response(self, frame: pd.DataFrame, y: Any) -> pd.DataFrame:
        name = _response_name(self.formula)
        if y is None:
            if name is not None and name not in frame.columns:
                raise ValueError(
                    f"{type(self).__name__} requires y to be passed, but the target y is None "
                    f"and X has no column {name!r} (the formula's response)")
            return frame
        if name is None:
            raise ValueError(
                f"the formula's left-hand side {self.formula.split('~', 1)[0].strip()!r} is "
                "not a column name: give y as a column of X and y=None")
        values = _one_column(y)
        if values.ndim != 1 or len(values) != len(frame):
            raise ValueError(f"y should be a 1d array with one value per row of X "
                             f"({len(frame)}); got shape {values.shape}")
        if name in frame.columns:
            raise ValueError(f"X already holds the response column {name!r}; give y=None "
                             "or drop the column from X")
        return frame.assign(**{name: values})

    def _fit(self, X: Any, y: Any, sample_weight: Any, family: Any) -> GLMResult:
        frame = self._with_response(self._frame(X, fitting=True), y)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        return glm(self.formula, frame, family, link=self.link, weights=weights,
                   offset=self.offset, contrasts=self.contrasts, control=self.control,
                   data_name="X")

    def _mean(self, X: Any, type: Literal["link", "response"] = "response") -> np.ndarray:
        check_is_fitted(self)
        frame = self._frame(X, fitting=False)
        with warnings.catch_warnings():  # a rank-deficient fit predicts as R (warned at fit)
            warnings.simplefilter("ignore")
            return np.asarray(self.model_.predict(frame, type=type), dtype=float)


class GLMRegressor(RegressorMixin, _FormulaGLM):  # type: ignore[misc]
    """A GLM of any family as a scikit-learn regressor; ``predict`` gives the mean.

    ``score`` is R² of the means (scikit-learn's regressor score); the
    deviance and the rest are on ``model_``.
    """

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> GLMRegressor:
        """Fit ``formula`` to X (and y, put in as the response column)."""
        if y is not None:
            y = _one_column(y)
            if y.dtype == object:
                try:
                    y = y.astype(float)
                except (TypeError, ValueError):
                    raise ValueError("Unknown label type: a regressor's y must be numbers"
                                     ) from None
        self.model_ = self._fit(X, y, sample_weight, self.family)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The fitted means for the rows of X (NaN where a predictor is missing)."""
        return self._mean(X)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a row with a missing value is dropped (na.omit)
        tags.target_tags.positive_only = _positive_only(self.family, self.link)
        return tags


class GLMClassifier(ClassifierMixin, _FormulaGLM):  # type: ignore[misc]
    """A binomial GLM (logit by default) as a scikit-learn classifier of two classes."""

    classes_: np.ndarray

    def __init__(self, formula: str = "y ~ .", link: str | Link | None = None, *,
                 offset: str | None = None, contrasts: Mapping[str, Any] | None = None,
                 control: Mapping[str, Any] | None = None) -> None:
        super().__init__(formula, "binomial", link, offset=offset, contrasts=contrasts,
                         control=control)

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> GLMClassifier:
        """Fit the binomial GLM; y holds two labels (the second sorted one is "success")."""
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target "
                             "y is None")
        labels = _one_column(y)
        if labels.ndim != 1:
            raise ValueError(f"y should be a 1d array, got an array of shape {labels.shape}")
        from sklearn.utils.multiclass import type_of_target

        kind = type_of_target(labels)
        if kind not in ("binary", "unknown") or len(np.unique(labels)) > 2:
            raise ValueError(f"Only binary classification is supported: GLMClassifier is "
                             f"binomial, y must have two classes; got a {kind} target")
        self.classes_ = np.unique(labels)
        if len(self.classes_) < 2:
            raise ValueError("Classifier can't train when only one class is present: "
                             f"y has the classes {self.classes_.tolist()}")
        success = (labels == self.classes_[1]).astype(float)
        self.model_ = self._fit(X, success, sample_weight, "binomial")
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of the two classes (columns in the order of ``classes_``)."""
        p = self._mean(X)
        return np.column_stack([1.0 - p, p])

    def decision_function(self, X: Any) -> np.ndarray:
        """The linear predictor (log-odds for the logit link): > 0 favours ``classes_[1]``."""
        return self._mean(X, type="link")

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class of each row."""
        p = self._mean(X)
        return self.classes_[(p > 0.5).astype(int)]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.classifier_tags.multi_class = False
        return tags


def _one_column(y: Any) -> np.ndarray:
    """y as a 1-d array (a column vector is raveled, with scikit-learn's warning)."""
    values = np.asarray(y.to_numpy() if isinstance(y, pd.Series | pd.DataFrame) else y)
    if values.ndim == 2 and values.shape[1] == 1:
        from sklearn.exceptions import DataConversionWarning

        warnings.warn("A column-vector y was passed when a 1d array was expected; it is "
                      "raveled", DataConversionWarning, stacklevel=3)
        values = values.ravel()
    return values


def _positive_only(family: Any, link: Any) -> bool:
    """Whether the family needs y >= 0 (scikit-learn's ``positive_only`` target tag)."""
    try:
        fam = get_family(family, link)
    except Exception:  # an invalid family is reported by fit
        return False
    return not bool(fam.valid_mu(np.array([-1.0])))
