"""``python -m glmformula`` runs the command line."""

from glmformula.cli import run

run()
