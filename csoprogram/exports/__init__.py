"""A department's exports: every app's tables as CSV and JSON, and the
department archive (a zip of them all and its review packets) for the CCSO."""
