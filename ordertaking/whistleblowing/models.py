"""The whistleblowing app's records. See the package docstring."""
