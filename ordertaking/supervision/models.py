"""The supervision app's records. See the package docstring."""
