"""Keyword scoring: bm25s scores as the Okapi BM25 the matcher used before (rank-bm25)."""

import math
from collections import Counter

import pytest

from embeddings.lexical import BM25Index, tokenize

DOCUMENTS = {
    1: "webhook signature verification with HMAC, webhook retries",
    2: "pricing plans, volume discounts and enterprise contracts",
    3: "bank reconciliation and importing bank statements",
    4: "iOS app crashes and Android push notifications",
    5: "PostgreSQL query performance and database migrations",
    6: "refunds, credit notes and duplicate card charges",
    7: "single sign-on with SAML and SCIM provisioning",
    8: "Kubernetes deployments and Terraform",
}
# "account" in more than half of them: rank-bm25 gives it a floor instead of a negative idf.
COMMON = {i: text + (" account" if i <= 5 else "") for i, text in DOCUMENTS.items()}


def okapi(documents: dict[int, str], query: str, k1=1.5, b=0.75) -> dict[int, float]:
    """rank-bm25's BM25Okapi.get_scores, written out: a word in more than half of the
    documents gets a quarter of the mean idf."""
    tokens = {i: tokenize(text) for i, text in documents.items()}
    average = sum(map(len, tokens.values())) / len(tokens)
    df = Counter(word for words in tokens.values() for word in set(words))
    idfs = {word: math.log(len(tokens) - n + 0.5) - math.log(n + 0.5) for word, n in df.items()}
    floor = 0.25 * sum(idfs.values()) / len(idfs)
    scores = {}
    for i, words in tokens.items():
        tf, score = Counter(words), 0.0
        for word in tokenize(query):
            if word in df:
                idf = idfs[word] if idfs[word] >= 0 else floor
                score += idf * tf[word] * (k1 + 1) / (
                    tf[word] + k1 * (1 - b + b * len(words) / average))
        scores[i] = score
    return {i: s for i, s in scores.items() if s > 0}


@pytest.mark.parametrize("query", [
    "How do I verify a webhook signature?", "volume discount for the enterprise plan",
    "bank statements will not import", "webhook retries and refunds", "nothing in common",
    "account: webhook and pricing", "account",
])
@pytest.mark.parametrize("documents", [DOCUMENTS, COMMON])
def test_bm25s_scores_as_okapi_bm25(query, documents):
    index = BM25Index()
    index.rebuild(documents, "v1")
    expected = okapi(documents, query)
    assert index.scores(query) == pytest.approx(expected, rel=1e-5)
    ordered = sorted(expected, key=lambda i: (-expected[i], i))
    got = index.scores(query)
    assert sorted(got, key=lambda i: (-got[i], i)) == ordered


def test_top_gives_the_k_best_and_those_asked_for():
    index = BM25Index()
    index.rebuild(DOCUMENTS, "v1")
    query = "webhook signature, volume discounts, bank statements"
    every = index.scores(query)
    best = sorted(every, key=every.get, reverse=True)
    assert index.top(query, 1) == {best[0]: pytest.approx(every[best[0]])}
    assert set(index.top(query, 1, among=[best[2], 8])) == {best[0], best[2]}  # 8: no score


def test_an_update_replaces_only_those_documents():
    index = BM25Index()
    index.rebuild(DOCUMENTS, "v1")
    index.update({8: "webhook delivery"}, "v2")
    assert index.version == "v2"
    assert set(index.scores("webhook")) == {1, 8}
    assert set(index.scores("Terraform")) == set()
