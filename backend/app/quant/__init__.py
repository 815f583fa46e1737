"""Pure numeric kernels every domain shares: the indicator library, the formula language and the risk maths.

No I/O and no imports from the rest of the app (an import-linter contract): numpy arrays in, numbers out.
"""
