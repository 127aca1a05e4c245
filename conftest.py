"""Doctests of the optional modules run only where their optional dependency is installed."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("sklearn") else ["glmformula/sklearn.py"]
