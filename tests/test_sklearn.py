"""glmformula.sklearn: formula GLMs in scikit-learn's Pipeline, cross_val_score, GridSearchCV.

Each result is checked against glm() fitted by hand on the same rows; the
estimator checks of scikit-learn run with an explicit list of the checks that
do not apply to a formula GLM (a check failing outside the list fails the test,
and so does a listed check that passes).
"""

from __future__ import annotations

import pickle
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compare import assert_close

import glmformula as gf
from glmformula.errors import DataError

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.metrics import r2_score  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402

from glmformula.sklearn import GLMClassifier, GLMRegressor  # noqa: E402

FORMULA = "breaks ~ wool + tension"


@pytest.fixture(scope="module")
def warpbreaks() -> pd.DataFrame:
    return gf.datasets.load("warpbreaks")


def test_fit_and_predict_are_glm(warpbreaks: pd.DataFrame) -> None:
    X, y = warpbreaks[["wool", "tension"]], warpbreaks["breaks"]
    reg = GLMRegressor(FORMULA, family="poisson").fit(X, y)
    model = gf.glm(FORMULA, data=warpbreaks, family="poisson")
    assert np.array_equal(reg.model_.coef.to_numpy(), model.coef.to_numpy())
    assert np.array_equal(reg.predict(X), model.predict(X, type="response").to_numpy())
    assert list(reg.feature_names_in_) == ["wool", "tension"] and reg.n_features_in_ == 2
    same = GLMRegressor(FORMULA, family="poisson").fit(warpbreaks)  # y=None: read from X
    assert np.array_equal(same.model_.coef.to_numpy(), model.coef.to_numpy())


def test_cross_val_score_poisson_equals_the_folds_fitted_by_hand(
        warpbreaks: pd.DataFrame) -> None:
    X, y = warpbreaks[["wool", "tension"]], warpbreaks["breaks"]
    folds = KFold(3, shuffle=True, random_state=1)
    scores = cross_val_score(GLMRegressor(FORMULA, family="poisson"), X, y, cv=folds)
    expected = []
    for train, test in folds.split(X):
        m = gf.glm(FORMULA, data=warpbreaks.iloc[train], family="poisson")
        predicted = m.predict(warpbreaks.iloc[test], type="response")
        expected.append(r2_score(y.iloc[test], predicted))
    assert np.array_equal(scores, np.array(expected))
    deviance = cross_val_score(GLMRegressor(FORMULA, family="poisson"), X, y, cv=folds,
                               scoring="neg_mean_poisson_deviance")
    assert np.all(deviance < 0)


def test_grid_search_over_links_formulas_and_families(warpbreaks: pd.DataFrame) -> None:
    X, y = warpbreaks[["wool", "tension"]], warpbreaks["breaks"]
    folds = KFold(3, shuffle=True, random_state=2)
    links = ["log", "sqrt", "identity"]
    search = GridSearchCV(GLMRegressor(FORMULA, family="poisson"), {"link": links}, cv=folds)
    search.fit(X, y)
    means = []
    for link in links:
        scores = [r2_score(y.iloc[test], gf.glm(FORMULA, data=warpbreaks.iloc[train],
                                                family="poisson", link=link)
                           .predict(warpbreaks.iloc[test], type="response"))
                  for train, test in folds.split(X)]
        means.append(np.mean(scores))
    assert_close(search.cv_results_["mean_test_score"], means, rtol=1e-12)
    assert search.best_params_ == {"link": links[int(np.argmax(means))]}
    assert search.best_estimator_.model_.family.link.name == search.best_params_["link"]
    grid = {"formula": ["breaks ~ wool", "breaks ~ wool * tension"],
            "family": ["poisson", "quasipoisson", "gaussian"]}
    wide = GridSearchCV(GLMRegressor(FORMULA), grid, cv=folds).fit(X, y)
    assert len(wide.cv_results_["params"]) == 6
    best = wide.cv_results_["params"][int(np.argmax(wide.cv_results_["mean_test_score"]))]
    assert wide.best_params_ == best
    assert wide.best_estimator_.model_.formula == best["formula"]


def test_pipeline_with_a_pandas_transformer(warpbreaks: pd.DataFrame) -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x1": rng.normal(5, 2, 200), "x2": rng.uniform(0, 10, 200)})
    frame["y"] = rng.poisson(np.exp(0.3 + 0.1 * frame["x1"] - 0.05 * frame["x2"]))
    pipe = Pipeline([("scale", StandardScaler().set_output(transform="pandas")),
                     ("glm", GLMRegressor("y ~ x1 + x2", family="poisson"))])
    pipe.fit(frame[["x1", "x2"]], frame["y"])
    scaled = (frame[["x1", "x2"]] - frame[["x1", "x2"]].mean()) / frame[["x1", "x2"]].std(ddof=0)
    model = gf.glm("y ~ x1 + x2", data=scaled.assign(y=frame["y"]), family="poisson")
    assert_close(pipe[-1].model_.coef.to_numpy(), model.coef.to_numpy(), rtol=1e-10)
    assert_close(pipe.predict(frame[["x1", "x2"]]), model.fitted.to_numpy(), rtol=1e-10)


def test_classifier_is_the_binomial_glm() -> None:
    rng = np.random.default_rng(4)
    X = pd.DataFrame({"dose": rng.uniform(0, 4, 150), "sex": rng.choice(["F", "M"], 150)})
    eta = -2 + 1.1 * X["dose"] + 0.5 * (X["sex"] == "M")
    labels = np.where(rng.uniform(size=150) < 1 / (1 + np.exp(-eta)), "dead", "alive")
    clf = GLMClassifier("status ~ dose + sex").fit(X, labels)
    model = gf.glm("status ~ dose + sex", data=X.assign(status=(labels == "dead") * 1.0),
                   family="binomial")
    assert list(clf.classes_) == ["alive", "dead"]  # the second is R's "success" level
    assert np.array_equal(clf.model_.coef.to_numpy(), model.coef.to_numpy())
    proba = clf.predict_proba(X)
    assert np.array_equal(proba[:, 1], model.predict(X, type="response").to_numpy())
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(clf.predict(X), np.where(proba[:, 1] > 0.5, "dead", "alive"))
    assert np.array_equal(clf.decision_function(X), model.predict(X).to_numpy())
    probit = GLMClassifier("status ~ dose + sex", link="probit").fit(X, labels)
    assert probit.model_.family.link.name == "probit"
    assert "family" not in clf.get_params() and clone(clf).get_params() == clf.get_params()
    with pytest.raises(ValueError, match="Only binary classification"):
        clf.fit(X, rng.choice(["a", "b", "c"], 150))


def test_sample_weight_and_offset_are_glms(warpbreaks: pd.DataFrame) -> None:
    rng = np.random.default_rng(6)
    frame = warpbreaks.assign(hours=rng.uniform(1, 3, len(warpbreaks)),
                              n=rng.integers(1, 4, len(warpbreaks)).astype(float))
    X, y = frame[["wool", "tension", "hours"]], frame["breaks"]
    reg = GLMRegressor(FORMULA, family="poisson", offset="hours")
    reg.fit(X, y, sample_weight=frame["n"])
    model = gf.glm(FORMULA, data=frame, family="poisson", offset="hours", weights="n")
    assert np.array_equal(reg.model_.coef.to_numpy(), model.coef.to_numpy())
    assert np.array_equal(reg.predict(X), model.predict(frame, type="response").to_numpy())
    in_formula = GLMRegressor(FORMULA + " + offset(hours)", family="poisson").fit(
        X, y, sample_weight=frame["n"].to_numpy())
    assert np.array_equal(in_formula.model_.coef.to_numpy(), model.coef.to_numpy())


def test_x_as_arrays_polars_and_the_response_convention() -> None:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 2))
    y = 1 + X @ np.array([0.5, -1.0]) + rng.normal(scale=0.1, size=60)
    reg = GLMRegressor().fit(X, y)  # "y ~ .": columns x0, x1
    assert list(reg.model_.coef.index) == ["(Intercept)", "x0", "x1"]
    model = gf.glm("y ~ x0 + x1", data={"x0": X[:, 0], "x1": X[:, 1], "y": y})
    assert np.array_equal(reg.model_.coef.to_numpy(), model.coef.to_numpy())
    with pytest.raises(ValueError, match="X has 3 features, but GLMRegressor is expecting 2"):
        reg.predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match="not a column name"):
        GLMRegressor("log(y) ~ x0").fit(X, y)
    with pytest.raises(ValueError, match="already holds the response column 'y'"):
        GLMRegressor("y ~ x0").fit(pd.DataFrame({"x0": X[:, 0], "y": y}), y)
    with pytest.raises(DataError, match="not in the data"):
        GLMRegressor("y ~ z").fit(X, y)
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"x0": X[:, 0], "x1": X[:, 1]})
    from_polars = GLMRegressor("y ~ x0 + x1").fit(frame, pl.Series(y))
    assert np.array_equal(from_polars.model_.coef.to_numpy(), model.coef.to_numpy())
    assert np.array_equal(from_polars.predict(frame), reg.predict(X))
    restored = pickle.loads(pickle.dumps(from_polars))
    assert np.array_equal(restored.predict(frame), reg.predict(X))


#: scikit-learn's checks that do not hold for a formula GLM, with the reason.
EXPECTED_FAILED: dict[str, dict[str, str]] = {
    "GLMRegressor": {},
    "GLMRegressor-quasipoisson": {},
    "GLMClassifier": {
        "check_sample_weight_equivalence_on_dense_data": (
            "15 rows and 30 columns: a binomial fit to more columns than rows separates the "
            "classes, the maximum-likelihood estimates do not exist (R warns 'fitted "
            "probabilities numerically 0 or 1 occurred'), and the weighted and the repeated "
            "fits stop at different points on their way to infinity"),
    },
}
#: skipped by scikit-learn itself (not failures of the estimator)
SKIPPED = {"check_array_api_input"}  # runs only with SCIPY_ARRAY_API set


ESTIMATORS: dict[str, Any] = {
    "GLMRegressor": GLMRegressor(),
    "GLMRegressor-quasipoisson": GLMRegressor(family="quasipoisson"),
    "GLMClassifier": GLMClassifier(),
}


@pytest.mark.parametrize("name", ESTIMATORS)
def test_scikit_learn_estimator_checks(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(ESTIMATORS[name], on_fail=None, on_skip=None)
    status: dict[str, set[str]] = {}
    for result in results:
        status.setdefault(result["check_name"], set()).add(result["status"])
    failed = {check for check, seen in status.items() if "failed" in seen}
    skipped = {check for check, seen in status.items() if "skipped" in seen}
    assert failed == set(EXPECTED_FAILED[name]) & set(status), failed
    assert skipped <= SKIPPED, skipped
    assert len(status) > 40  # the checks did run
