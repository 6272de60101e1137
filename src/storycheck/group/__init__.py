"""Group stage: which articles cover the same story.

Articles are described by content words, names and an embedding of their lead;
candidates come from shared distinctive terms (an inverted index), not from all
n² pairs. Average-link clustering then runs inside each connected group of
candidates. The store keeps the same description per article, so new articles
join stored stories without recomputing everything (``describe_batch``, then ``group_batch``).
"""

from ._cluster import NEAR_DUPLICATE, cluster_articles, story_id
from ._features import ArticleFeatures, Vocabulary, band_keys, content_hash, features, lead_text, resemblance
from ._incremental import Batch, Duplicate, StoryIndex, StoryUpdate, describe_batch, group_batch
from ._options import ClusterOptions

__all__ = [
    "NEAR_DUPLICATE", "ArticleFeatures", "Batch", "ClusterOptions", "Duplicate", "StoryIndex", "StoryUpdate",
    "Vocabulary", "band_keys", "cluster_articles", "content_hash", "describe_batch", "features", "group_batch",
    "lead_text", "resemblance", "story_id",
]
