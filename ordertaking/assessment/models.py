"""The assessment app's records. See the package docstring."""
