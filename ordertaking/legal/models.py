"""The legal app's records. See the package docstring."""
