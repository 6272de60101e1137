"""Group articles that cover the same story.

Each article is described by its content words, its names and an embedding of its
lead; only pairs that share a distinctive term are ever compared (an inverted
index with capped postings), so cost grows with the number of candidate pairs,
not with all n² pairs. Average-link clustering then runs inside each connected
group of candidates.
"""

from ._cluster import ClusterOptions, cluster_articles, story_id

__all__ = ["ClusterOptions", "cluster_articles", "story_id"]
