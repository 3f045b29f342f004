"""Production settings for the load run, with two differences (see run_load.sh).

1. Static files go to a scratch STATIC_ROOT (LOAD_STATIC_ROOT), so the run does
   not touch the shared staticfiles/ of the working tree.
2. The manifest storage does not rewrite source-map comments: the vendored
   bootstrap.bundle.min.js ends with `//# sourceMappingURL=...js.map` and the .map
   is not in the repository, so production's collectstatic (DEBUG off) stops
   with MissingFileError. Everything else (hashed names, compression, DEBUG off)
   is as in production.
"""

import os

from csoprogram.settings import *  # noqa: F403
from csoprogram.settings import STORAGES

STATIC_ROOT = os.environ["LOAD_STATIC_ROOT"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "load_storage.StaticFilesWithoutSourceMaps"},
}
