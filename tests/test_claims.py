"""score-claims: the function and the command."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from storycheck import MalformedInput, score_claims
from storycheck.verify._evaluate import balanced_accuracy, roc_auc

EXE = Path(sys.executable).with_name("storycheck")
SRC = ("Trump released a 33-page National Security Strategy on Friday, Dec. 5. It said Europe could be "
       "'wiped away' and accused allies of unrealistic expectations. The U.S. pledged $5 billion in aid.")


@pytest.mark.parametrize(
    ("claim", "verdict", "ctype"),
    [
        ("Trump released a 29-page strategy.", "contradicted", "number"),
        ("The U.S. pledged $5 million in aid.", "contradicted", "number"),
        ("The strategy came out on Dec. 6.", "contradicted", "date"),
        ("Trump released a security strategy that accused allies of unrealistic expectations.", "supported", None),
        ("The strategy was drafted by Marco Rubio in Florida.", "unsupported", None),
    ],
)
def test_verdicts_and_typed_contradictions(claim, verdict, ctype):
    (row,) = score_claims([{"id": "x", "claim": claim, "source": SRC}])
    assert row["verdict"] == verdict, row
    assert 0 <= row["score"] <= 1
    if ctype:
        assert row["contradiction"]["type"] == ctype
    else:
        assert "contradiction" not in row


def test_long_sources_and_source_lists():
    filler = " ".join(f"Paragraph {i} talks about the weather in the harbour town." for i in range(200))
    rows = score_claims([
        {"id": 1, "claim": "The U.S. pledged $5 billion in aid.", "source": filler + " " + SRC},
        {"id": 2, "claim": "The U.S. pledged $5 billion in aid.", "sources": [filler, SRC]},
    ])
    assert [r["verdict"] for r in rows] == ["supported", "supported"]


def test_metrics():
    y = np.array([0, 0, 1, 1])
    assert roc_auc(y, np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    assert roc_auc(y, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    assert balanced_accuracy(y, np.array([False, True, True, True])) == 0.75


def test_cli_bad_line_and_skip(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"id": 1, "claim": "The U.S. pledged $5 billion.", "source": SRC}) + "\n{broken\n")
    r = subprocess.run([str(EXE), "score-claims", str(p)], capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == "" and "line 2" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    out = tmp_path / "out.jsonl"
    r = subprocess.run([str(EXE), "score-claims", str(p), "--skip-bad", "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0 and "line 2" in r.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [1] and set(rows[0]) >= {"id", "score", "verdict"}


def test_missing_source_is_named(tmp_path):
    from storycheck.verify import read_claims

    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"id": 1, "claim": "x y z"}) + "\n")
    with pytest.raises(MalformedInput, match="line 1: needs 'source'"):
        read_claims(p)


def test_tokenized_numbers_and_approximate_counts():
    from storycheck.verify._source import untokenize

    assert untokenize("at 2. 4 miles for $ 36, 000, in 2019. 4 more") == "at 2.4 miles for $36,000, in 2019. 4 more"
    src = "The boat was carrying more than 100 migrants from Libya to Sicily. The spacecraft hit the surface at 2. 4 miles per second."
    rows = score_claims([
        {"id": 1, "claim": "The boat carried 105 migrants from Libya to Sicily.", "source": src},
        {"id": 2, "claim": "The boat carried 300 migrants from Libya to Sicily.", "source": src},
        {"id": 3, "claim": "The spacecraft hit the surface at 2.4 miles per second.", "source": src},
    ])
    assert rows[0]["verdict"] != "contradicted"  # "more than 100" allows 105
    assert rows[1]["verdict"] == "contradicted" and rows[1]["contradiction"]["evidence_span"] == "100 migrants"
    assert rows[2]["verdict"] == "supported"


def test_fast_model_needs_no_encoder_and_agrees_on_clear_cases():
    from storycheck.verify import ClaimModel

    fast = ClaimModel.bundled(fast=True)
    assert not fast.dense and ClaimModel.bundled().dense

    class NoEncoder:
        model_id, dim = "none", 1

        def embed(self, texts):
            raise AssertionError("the fast model must not call the encoder")

    recs = [{"id": 1, "claim": "The U.S. pledged $5 million in aid.", "source": SRC},
            {"id": 2, "claim": "Trump released a security strategy that accused allies of unrealistic expectations.",
             "source": SRC},
            {"id": 3, "claim": "The strategy was drafted by Marco Rubio in Florida.", "source": SRC}]
    rows = score_claims(recs, fast=True, embedder=NoEncoder())
    assert [r["verdict"] for r in rows] == ["contradicted", "supported", "unsupported"]


def test_word_pieces_show_the_invented_word():
    """The piece alignment finds the one content word the source lacks in any form,
    though the sentence vectors stay close."""
    from storycheck.embed import default_backend
    from storycheck.verify._features import _content_words_of_pieces, _piece_alignment

    src, same, invented = default_backend().embed_tokens([
        "The council approved the new budget for the harbour on Monday.",
        "The council approved the harbour budget on Monday.",
        "The council approved the harbour budget on Monday after a bribery scandal.",
    ])
    assert [[same.tokens[i] for i in g] for g in _content_words_of_pieces(same.tokens)] == [
        ["council"], ["approved"], ["harbour"], ["budget"], ["monday"]]
    good, bad = _piece_alignment(same, [src], 0), _piece_alignment(invented, [src], 0)
    assert good[1] > 0.6 > bad[1]  # worst-matched word: "bribery" / "scandal"
    assert bad[3] > good[3] == 0.0  # share of words under 0.6
    assert float(same.vector @ src.vector) > 0.8 and float(invented.vector @ src.vector) > 0.7


def test_a_model_over_some_features_reads_only_those():
    from storycheck.verify import ClaimModel
    from storycheck.verify._features import FEATURES

    spec = {"features": ["cov_doc"], "mean": [0.5], "scale": [0.1], "coef": [2.0], "intercept": 0.0, "threshold": 0.5}
    x = np.zeros(len(FEATURES))
    x[FEATURES.index("cov_doc")] = 0.7
    assert ClaimModel(spec).probability(x)[0] == pytest.approx(1 / (1 + np.exp(-4.0)))
    with pytest.raises(ValueError, match="make train"):
        ClaimModel({**spec, "features": ["no_such_feature"]})


def test_cli_fast_flag(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_text(json.dumps({"id": 1, "claim": "The U.S. pledged $5 million in aid.", "source": SRC}) + "\n")
    r = subprocess.run([str(EXE), "score-claims", str(p), "--fast"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    row = json.loads(r.stdout)
    assert row["verdict"] == "contradicted" and row["contradiction"]["type"] == "number"


def test_swapped_person_in_score_claims():
    src = "Mayor Ellen Park opened the new bridge on Monday. Engineer Tom Reyes said the deck was sound."
    rows = score_claims([
        {"id": 1, "claim": "Mayor John Smith opened the new bridge on Monday.", "source": src},
        {"id": 2, "claim": "The new bridge was opened by Mayor Ellen Park on Monday.", "source": src},
    ])
    assert rows[0]["verdict"] == "contradicted"
    assert rows[0]["contradiction"] == {"type": "entity", "claim_span": "Mayor John Smith", "evidence_span": "Mayor Ellen Park"}
    assert rows[1]["verdict"] != "contradicted"
