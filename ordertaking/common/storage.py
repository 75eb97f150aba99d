"""Static files storage for production: hashed names (cacheable forever) and gzip copies,
served by whitenoise. Used when ORDERTAKING_MANIFEST_STATIC=1, after `collectstatic`."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """As whitenoise's, but leaves `sourceMappingURL` comments alone: the vendored Bootstrap
    names source maps we do not ship, and Django would refuse to collect it for them."""

    patterns = tuple(
        (extension, tuple(p for p in pats if "sourceMappingURL" not in str(p)))
        for extension, pats in CompressedManifestStaticFilesStorage.patterns
    )
