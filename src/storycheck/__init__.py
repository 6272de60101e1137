"""storycheck: check news against other news, offline.

The public API is what ``__all__`` lists; everything else lives in private
modules and may change without notice.
"""

from ._exceptions import (
    EmptyInput,
    InputError,
    MalformedInput,
    ModelError,
    StoreError,
    StorycheckError,
    UnknownFormat,
    UnreadableInput,
)
from ._options import Options
from ._pipeline import add, compare, run_stages, segment_article
from ._types import Article, Contradiction, Evidence, Facts, Sentence, Verdict
from ._version import __version__
from .embed import EmbeddingBackend, OnnxEmbeddingBackend
from .ingest import read_paths
from .report import render_html, to_json_dict
from .store import Store, open_store
from .verify import score_claims

__all__ = [
    "Article",
    "Contradiction",
    "EmbeddingBackend",
    "EmptyInput",
    "Evidence",
    "Facts",
    "InputError",
    "MalformedInput",
    "ModelError",
    "OnnxEmbeddingBackend",
    "Options",
    "Sentence",
    "Store",
    "StoreError",
    "StorycheckError",
    "UnknownFormat",
    "UnreadableInput",
    "Verdict",
    "__version__",
    "add",
    "compare",
    "open_store",
    "read_paths",
    "render_html",
    "run_stages",
    "score_claims",
    "segment_article",
    "to_json_dict",
]
