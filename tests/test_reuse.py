"""Shortcuts give what the plain path gives, to the last bit: window coverage from word
postings, claim features worked out lot by lot while the encoder runs over the next lot,
and sentences encoded ahead while the check finds their sources."""

import sys
from pathlib import Path

import numpy as np
import pytest

from storycheck.embed import Prefetched, default_backend, encode_ahead
from storycheck.ingest import read_paths
from storycheck.verify import _features
from storycheck.verify._features import _coverage, _lexical, claim_features, encode, features_batch
from storycheck.verify._source import as_written, prepare_texts

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "merrow-bridge"


@pytest.fixture(scope="module")
def story():
    arts = read_paths([EXAMPLES])
    claims = [s for a in arts[:3] for s in _sentences(a.text)]
    return claims, prepare_texts([arts[4].text]), prepare_texts([arts[5].text])


def _sentences(text):
    from storycheck.segment import split_sentences

    return [t for _, _, t in split_sentences(text)]


def test_window_coverage_from_postings_is_the_per_window_sum(story):
    claims, src, other = story
    for claim in claims + ["", "the the and", "Merrow bridge Merrow"]:
        for s in (src, other):
            lx = _lexical(claim, s)
            words, weights, total = lx.words, lx.weights, lx.total
            plain = np.array([float(sum(wt for w, wt in zip(words, weights, strict=False) if w in c) / total)
                              if words else 0.0 for c in s.content])
            assert np.array_equal(_coverage(words, weights, total, s), plain)
            assert as_written(claim, s) == lx.claim


def test_features_in_lots_equal_all_windows_encoded_first(story, monkeypatch):
    claims, src, other = story
    items = [(c, s) for c in claims for s in (src, other)]
    emb = default_backend()
    plain_states: dict = {}
    lexes = [_lexical(c, s) for c, s in items]
    encode([t for (_, s), lx in zip(items, lexes, strict=True) for t in lx.texts(s)], emb, plain_states)
    plain = [claim_features(c, s, plain_states, lex=lx) for (c, s), lx in zip(items, lexes, strict=True)]
    monkeypatch.setattr(_features, "FIRST_LOT", 2)
    monkeypatch.setattr(_features, "LOT", 7)  # lots of 2, 4, 7, 7, ..., the last one short
    assert [len(lot) for lot in _features._lots(len(items))][:4] == [2, 4, 7, 7]
    assert len(items) > 3 * 7
    before = sys.getswitchinterval()
    states: dict = {}
    lots = features_batch(items, emb, cache=states)
    assert sys.getswitchinterval() == before  # the GIL's interval is put back
    assert set(states) == set(plain_states)  # every window encoded, none twice-keyed
    for (x, hit, best), (px, phit, pbest) in zip(lots, plain, strict=True):
        assert np.array_equal(x, px)
        assert best == pbest
        assert hit == phit


def _same_states(a, b):
    assert np.array_equal(a.vector, b.vector) and np.array_equal(a.pieces, b.pieces) and a.tokens == b.tokens


def test_encoded_ahead_equals_encoded_when_asked(story):
    claims, _, _ = story
    emb = default_backend()
    assert Prefetched.suits(emb)
    pre = Prefetched(emb, encode_ahead(lambda: emb, claims[:10]))
    got = pre.embed_tokens(claims)  # ten encoded ahead, the rest now
    for a, b in zip(got, emb.embed_tokens(claims), strict=True):
        _same_states(a, b)
    assert pre.model_id == emb.model_id and pre.dim == emb.dim and pre.stored(claims) == {}


def test_a_failed_encoding_ahead_leaves_the_work_to_the_call(story):
    claims, _, _ = story
    emb = default_backend()

    def broken():
        raise RuntimeError("no model")

    wait = encode_ahead(broken, claims[:3])
    assert wait() == {}
    for a, b in zip(Prefetched(emb, wait).embed_tokens(claims[:3]), emb.embed_tokens(claims[:3]), strict=True):
        _same_states(a, b)


@pytest.mark.parametrize("story", ["merrow-bridge", "velmora-dam"])  # English; 9 articles in 4 languages
def test_compare_with_encoding_ahead_equals_the_stages_run_plainly(story):
    from storycheck import compare
    from storycheck._pipeline import segment_article, source_articles
    from storycheck.embed import MultilingualBackend
    from storycheck.segment import drop_furniture
    from storycheck.story import find_families_and_apply
    from storycheck.verify import verify_articles

    folder = EXAMPLES.parent / story
    fast = compare([folder])  # encodes the sentences ahead, on threads
    plain = [segment_article(a) for a in read_paths([folder])]
    drop_furniture(plain)
    plain = [segment_article(a) for a in plain]
    source_articles(plain)
    # nothing encoded ahead, and a multilingual backend of its own (the process's one remembers)
    verify_articles(plain, default_backend(), multilingual=MultilingualBackend())
    find_families_and_apply(plain)
    assert [a.id for a in fast] == [a.id for a in plain]
    for a, b in zip(fast, plain, strict=True):
        assert a.headline_support == b.headline_support
        for s, t in zip(a.sentences, b.sentences, strict=True):
            assert (s.verdict, s.score, s.links, s.evidence) == (t.verdict, t.score, t.links, t.evidence)
            assert np.array_equal(s.vector, t.vector) if s.vector is not None else t.vector is None


def test_translation_pairs_from_links_gathered_once_equal_those_gathered_per_pair():
    from storycheck import compare
    from storycheck.story import _translation as tr

    arts = compare([EXAMPLES.parent / "velmora-dam"])  # 9 articles in 4 languages
    assert len({a.language for a in arts}) > 1
    plain, carried = {}, 0
    for x, a in enumerate(arts):  # each pair's links gathered for that pair, as before
        for b in arts[x + 1:]:
            if a.language == b.language or not a.sentences or not b.sentences:
                continue
            pairs, broken = tr._mutual({s.index: ln for s in a.sentences for ln in s.links if ln.article == b.id},
                                       {s.index: ln for s in b.sentences for ln in s.links if ln.article == a.id})
            carried += bool(pairs)
            in_order = all(p[1] < q[1] for p, q in zip(pairs, pairs[1:], strict=False))
            short = min(len(a.sentences), len(b.sentences))
            if not broken and in_order and len(pairs) >= max(tr.TRANSLATION_MIN_SENTENCES, tr.TRANSLATION_SHARE * short):
                plain[(a.id, b.id)] = tr.Alignment(tuple((i, j, 0.0) for i, j in pairs), len(a.sentences),
                                                   len(b.sentences))
    assert carried  # pairs across languages that carry each other: the test sees the links
    assert plain  # translations among them
    assert tr.translation_pairs(arts) == plain
