"""The CCSO's audit page: every recorded change to a program record."""
