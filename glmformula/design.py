"""Formula + data -> model matrices. The only module that imports formulaic.

CONTRACT (to be implemented):

build_design(formula, data, *, weights=None, offset=None, context=None) -> Design
Design.transform(newdata) -> NewDesign(X, offset, row_index)   # for predict
"""
