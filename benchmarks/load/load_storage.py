"""whitenoise's production storage minus the rewriting of source-map comments."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    def keep(pattern):
        regex = pattern[0] if isinstance(pattern, tuple) else pattern
        return "sourceMappingURL" not in regex

    return tuple((ext, tuple(p for p in group if keep(p))) for ext, group in patterns)


class StaticFilesWithoutSourceMaps(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
