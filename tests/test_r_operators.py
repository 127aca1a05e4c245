"""R's integer-division and modulo operators inside calls: ``%/%`` and ``%%``."""

from __future__ import annotations

import pytest
from compare import assert_close

import glmformula as gf


@pytest.mark.parametrize("safe", [False, True])
def test_modulo_and_integer_division_as_r(safe: bool) -> None:
    mt = gf.datasets.load("mtcars")
    m = gf.glm("mpg ~ I(cyl %% 4) + I(hp %/% 50)", data=mt, safe=safe)
    assert list(m.coef.index) == ["(Intercept)", "I(cyl%%4)", "I(hp%/%50)"]  # R's labels
    columns = mt.assign(a=mt["cyl"] % 4, b=mt["hp"] // 50)
    reference = gf.glm("mpg ~ a + b", data=columns)
    assert_close(m.coef.to_numpy(), reference.coef.to_numpy(), rtol=1e-12)
    new = mt.head(3)
    assert_close(m.predict(newdata=new).to_numpy(),
                               reference.predict(newdata=columns.head(3)).to_numpy(), rtol=1e-12)
