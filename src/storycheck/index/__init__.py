"""Index stage: approximate nearest neighbours over lead vectors (faiss), behind one interface."""

from ._ann import ExactIndex, HnswIndex, IvfPqIndex, VectorIndex, load_index, new_index, sync

__all__ = ["ExactIndex", "HnswIndex", "IvfPqIndex", "VectorIndex", "load_index", "new_index", "sync"]
