"""The indicator library: TA-Lib's indicators and our own, with named parameters, outputs and lookbacks."""
