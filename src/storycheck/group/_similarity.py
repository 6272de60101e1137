"""Article similarity in bulk: sparse tf-idf rows and lead vectors in matrices, so
that a million candidate pairs cost one vectorised pass, not a Python loop each."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from ..lang import detect_language, skeleton
from ._features import ArticleFeatures, Vocabulary
from ._options import ClusterOptions


class Similarity:
    """similarity = w_c·cos(content) + w_n·cos(names) + w_e·cos(lead vectors), halved every
    ``time_scale_days`` beyond ``time_scale_days`` apart when both articles are dated. For a pair
    across languages: CROSS_NAMES·cos(names by sound) + CROSS_LEAD·closeness(multilingual leads)."""

    def __init__(self, feats: Sequence[ArticleFeatures], vocab: Vocabulary, opts: ClusterOptions) -> None:
        self.opts = opts
        index: dict[str, int] = {}
        content = self._rows([vocab.weights(f.terms) for f in feats], index)
        names = self._rows([{"@" + k: v for k, v in vocab.weights(f.names, "@").items()} for f in feats], index)
        width = max(1, len(index))
        self.content = sparse.csr_matrix(content, shape=(len(feats), width))
        self.names = sparse.csr_matrix(names, shape=(len(feats), width))
        dim = next((len(f.vector) for f in feats if f.vector is not None), 1)
        self.vectors = np.stack([f.vector if f.vector is not None else np.zeros(dim, np.float32) for f in feats]) \
            if feats else np.zeros((0, dim), np.float32)
        self.days = np.array([f.day.toordinal() if f.day else np.nan for f in feats], dtype=np.float64)
        langs = [f.language or _lead_language(f.lead) for f in feats]
        self.english = np.array([x == "en" for x in langs], dtype=bool)
        # leads in the multilingual space, only when some article is not in English
        self.multi = _multilingual_leads(feats) if not self.english.all() else None
        # names by their sound skeleton, for pairs across languages ("Baltimoreu", "Frensis", "Francis")
        self.sounds = self._sound_rows(self.names, index) if self.multi is not None else self.names

    @staticmethod
    def _rows(weights: list[dict[str, float]], index: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        indptr, cols, vals = [0], [], []
        for w in weights:
            for t, v in w.items():
                cols.append(index.setdefault(t, len(index)))
                vals.append(v)
            indptr.append(len(cols))
        return np.array(vals, np.float32), np.array(cols, np.int64), np.array(indptr, np.int64)

    @staticmethod
    def _sound_rows(names: sparse.csr_matrix, index: dict[str, int]) -> sparse.csr_matrix:
        """The name rows with each name folded to its sound skeleton (figures kept), L2-normalised again:
        one name spelt by two languages' conventions or transliterations counts as one."""
        keys: dict[str, int] = {}
        col = np.zeros(max(1, len(index)), np.int64)
        for term, k in index.items():
            if term.startswith("@"):
                word = term[1:]
                key = word if word.startswith("#") else (skeleton(word) or word)
                col[k] = keys.setdefault(key, len(keys))
        folded = names.tocoo()
        m = sparse.csr_matrix((folded.data, (folded.row, col[folded.col])), shape=(names.shape[0], max(1, len(keys))))
        norm = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        return sparse.csr_matrix(sparse.diags(1.0 / np.maximum(norm, 1e-12)) @ m)

    def multilingual_candidates(self) -> set[tuple[int, int]]:
        """Pairs (i < j) with a non-English article whose leads are close in the multilingual
        space: blocking terms are words, and a story told in two languages shares few."""
        if self.multi is None:
            return set()
        rows = np.flatnonzero(~self.english)
        close = (self.multi[rows] @ self.multi.T) >= LEAD_FLOOR + LEAD_SPAN / 2
        return {(min(int(rows[a]), int(b)), max(int(rows[a]), int(b))) for a, b in zip(*np.nonzero(close), strict=True)
                if int(rows[a]) != int(b)}

    def _decay(self, gap: np.ndarray) -> np.ndarray:
        s = self.opts.time_scale_days
        gap = np.nan_to_num(np.abs(gap), nan=0.0)
        return np.where(gap > s, 0.5 ** ((gap - s) / s), 1.0)

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Similarity of each pair (i[k], j[k])."""
        if not len(i):
            return np.zeros(0)
        o = self.opts
        c = np.asarray(self.content[i].multiply(self.content[j]).sum(axis=1)).ravel()
        n = np.asarray(self.names[i].multiply(self.names[j]).sum(axis=1)).ravel()
        e = np.einsum("ij,ij->i", self.vectors[i], self.vectors[j])
        s = o.content_weight * c + o.names_weight * n + o.embedding_weight * e
        if self.multi is not None:
            other = ~(self.english[i] & self.english[j])
            m = _lead_closeness(np.einsum("ij,ij->i", self.multi[i], self.multi[j]))
            n = np.asarray(self.sounds[i].multiply(self.sounds[j]).sum(axis=1)).ravel()
            s = np.where(other, CROSS_NAMES * n + CROSS_LEAD * m, s)
        return s * self._decay(self.days[i] - self.days[j])

    def block(self, rows: Sequence[int], cols: Sequence[int]) -> np.ndarray:
        """Dense similarity matrix between two sets of articles."""
        o = self.opts
        r, c = np.asarray(rows), np.asarray(cols)
        m = o.content_weight * (self.content[r] @ self.content[c].T).toarray()
        m += o.names_weight * (self.names[r] @ self.names[c].T).toarray()
        m += o.embedding_weight * (self.vectors[r] @ self.vectors[c].T)
        if self.multi is not None:
            other = ~(self.english[r][:, None] & self.english[c][None, :])
            names = CROSS_NAMES * (self.sounds[r] @ self.sounds[c].T).toarray()
            x = names + CROSS_LEAD * _lead_closeness(self.multi[r] @ self.multi[c].T)
            m = np.where(other, x, m)
        return m * self._decay(self.days[r][:, None] - self.days[c][None, :])


#: Multilingual lead cosines rescaled to the English similarity's range: leads of one story
#: told in two languages sit at 0.85–0.93 with multilingual-e5-small, leads of unrelated
#: news at 0.72–0.82 (bench/multilingual); words shared across languages are few, so for
#: such a pair this term takes the weight of both the word and the embedding terms.
LEAD_FLOOR = 0.8
LEAD_SPAN = 0.1
#: Weights of a pair across languages: names matched by sound (lang.skeleton), and lead closeness in the
#: multilingual space. Names weigh more than within a language (0.5): one story told in two languages
#: shares its people, places and figures, and little else a bag of words can see. Chosen on four
#: realnews stories (bench/realnews_grouping.py: pairwise recall 0.48 -> 1.0 there, with ATTACH_*).
CROSS_NAMES = 0.7
CROSS_LEAD = 0.5


def _lead_closeness(cos: np.ndarray) -> np.ndarray:
    return np.clip((cos - LEAD_FLOOR) / LEAD_SPAN, 0.0, 1.0)


#: Characters of the lead (title first) embedded in the multilingual space: the title and the
#: opening sentence say what a story is about; the multilingual model costs ~4× the English one per
#: word piece, and 200 characters instead of the full lead kept bench/multilingual's grouping F1.
MULTI_LEAD_CHARS = 200


@lru_cache(maxsize=65536)
def _lead_language(lead: str) -> str:
    """The language of a lead, for features that carry none (made outside a store or `features`):
    once per lead. Stored articles carry the language detected when they were added."""
    return detect_language(lead) or "en"


def _multilingual_leads(feats: Sequence[ArticleFeatures]) -> np.ndarray:
    from ..embed import multilingual_backend

    return multilingual_backend().embed([f.lead[:MULTI_LEAD_CHARS] for f in feats])
