"""The passage index: gists first, then only the shortlist's passages, scored exactly."""

import numpy as np
import pytest

from embeddings.passages import PassageIndex, inner_products


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def company():
    """60 employees with 3-9 passages each (every third one history) around a subject of
    their own, as a profile's passages are, in 24 dimensions."""
    rng = np.random.default_rng(7)
    owners = np.repeat(np.arange(1, 61), rng.integers(3, 10, size=60))
    subjects = rng.normal(size=(61, 24))
    vectors = unit(subjects[owners] + rng.normal(scale=0.6, size=(len(owners), 24)))
    ids = np.arange(100, 100 + len(owners))
    profile = np.arange(len(owners)) % 3 != 0
    gists = unit(np.stack([vectors[owners == eid].sum(axis=0) for eid in range(1, 61)]))
    return ids, owners, profile, vectors, np.arange(1, 61), gists


def built(company, blocks=None) -> PassageIndex:
    index = PassageIndex()
    index.rebuild(*company, "v1", blocks)
    return index


def flat_best(company, question) -> tuple[int, float]:
    """The owner of the closest passage of all, by a flat search over every passage."""
    ids, owners, _, vectors, _, _ = company
    scores = vectors @ question
    return int(owners[np.argmax(scores)]), float(scores.max())


@pytest.mark.parametrize("seed", range(10))
def test_the_shortlist_holds_the_same_top_match_as_a_flat_search(company, seed):
    index = built(company)
    rng = np.random.default_rng(seed)
    vectors = company[3]
    for row in rng.choice(len(vectors), size=10, replace=False):
        # A question near one passage, as a real one is near what someone wrote.
        question = unit((vectors[row] + rng.normal(scale=0.1, size=24)).reshape(1, -1))[0]
        owner, cosine = flat_best(company, question)
        closest = index.closest(question, [eid for eid, _ in index.shortlist(question, 20)])
        best = max(closest, key=lambda eid: closest[eid][0][1])
        assert best == owner
        assert closest[best][0][1] == pytest.approx(cosine, abs=1e-5)


def test_closest_gives_each_persons_best_passage_and_best_profile_passage(company):
    ids, owners, profile, vectors, _, _ = company
    question = vectors[5]
    result = built(company).closest(question, [1, 2])
    for eid in (1, 2):
        mine = owners == eid
        scores = vectors[mine] @ question
        assert result[eid][0] == (ids[mine][np.argmax(scores)], pytest.approx(scores.max(), abs=1e-5))
        own = np.where(profile[mine], scores, -np.inf)
        assert result[eid][1][0] == ids[mine][np.argmax(own)]


def test_closest_of_many_people_at_once_matches_one_by_one(company):
    """The grouped argmax gives what a loop over each person gives: the first of equal best
    passages, and None for someone with no passage of the profile's own words."""
    ids, owners, profile, vectors, gist_owners, gists = company
    profile = profile.copy()
    profile[owners == 4] = False  # only history
    vectors = vectors.copy()
    vectors[np.flatnonzero(owners == 7)[:2]] = vectors[np.flatnonzero(owners == 7)[0]]  # a tie
    index = PassageIndex()
    index.rebuild(ids, owners, profile, vectors, gist_owners, gists, "v1")
    question = vectors[np.flatnonzero(owners == 7)[0]]
    result = index.closest(question, list(range(1, 61)))
    for eid in range(1, 61):
        mine = owners == eid
        scores = vectors[mine] @ question
        assert result[eid][0][0] == ids[mine][np.argmax(scores)]
        if eid == 4:
            assert result[eid][1] is None
        else:
            own = np.where(profile[mine], scores, -np.inf)
            assert result[eid][1] == (ids[mine][np.argmax(own)],
                                      pytest.approx(own.max(), abs=1e-5))
    assert result[7][0][0] == ids[np.flatnonzero(owners == 7)[0]]


def test_the_shortlist_is_ordered_by_gist_cosine(company):
    *_, gist_owners, gists = company
    question = gists[9]
    shortlist = built(company).shortlist(question, 5)
    expected = gist_owners[np.argsort(-(gists @ question))[:5]]
    assert [eid for eid, _ in shortlist] == expected.tolist()
    assert shortlist[0] == (10, pytest.approx(1.0, abs=1e-5))


def test_a_block_where_the_question_is_zero_is_skipped_without_changing_scores(company):
    index = built(company, blocks=((0, 10), (10, 24)))
    question = company[3][4].copy()
    question[10:] = 0
    whole = built(company).closest(question, [1, 7])
    split = index.closest(question, [1, 7])
    for eid in (1, 7):
        assert split[eid][0] == (whole[eid][0][0], pytest.approx(whole[eid][0][1], abs=1e-5))
    assert [e for e, _ in index.shortlist(question, 5)] == [
        e for e, _ in built(company).shortlist(question, 5)]


def test_added_passages_are_read_like_a_full_rebuild(company):
    ids, owners, profile, vectors, gist_owners, gists = company
    cut = len(ids) - 12  # the last 12 passages (of the last employees) arrive later
    grown = PassageIndex()
    keep = np.isin(gist_owners, np.unique(owners[:cut]))
    first = unit(np.stack([vectors[:cut][owners[:cut] == eid].sum(axis=0)
                           for eid in gist_owners[keep]]))
    grown.rebuild(ids[:cut], owners[:cut], profile[:cut], vectors[:cut], gist_owners[keep],
                  first, "v1")
    late = np.unique(owners[cut:])
    grown.upsert(ids[cut:], owners[cut:], profile[cut:], vectors[cut:], late,
                 gists[np.isin(gist_owners, late)], "v2")
    whole = built(company)
    question = vectors[-1]
    assert grown.version == "v2" and grown.size == whole.size
    assert grown.shortlist(question, 8) == whole.shortlist(question, 8)
    everyone = list(range(1, 61))
    assert grown.closest(question, everyone) == whole.closest(question, everyone)


def test_a_group_whose_best_cannot_be_told_keeps_its_place():
    """NaN in one group (never stored, but the helper promises nothing about it): every other
    group keeps its own best, as a loop of np.argmax gives."""
    from embeddings.passages import _first_max

    values = np.array([1.0, np.nan, 0.5, 2.0, 3.0], dtype=np.float32)
    sizes = np.array([3, 2])
    assert _first_max(values, sizes).tolist() == [1, 4]
    with pytest.raises(ValueError):
        _first_max(np.array([1.0, 2.0, 3.0], dtype=np.float32), np.array([1, 0, 2]))


def test_inner_products_are_the_matrix_product_whatever_the_layout():
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((257, 40)).astype(np.float32)
    vector = rng.standard_normal(40).astype(np.float32)
    exact = matrix.astype(np.float64) @ vector.astype(np.float64)
    assert np.allclose(inner_products(matrix, vector), exact, atol=1e-4)
    every_other = matrix[::2]  # not contiguous: copied, not misread
    assert np.allclose(inner_products(every_other, vector), exact[::2], atol=1e-4)
    assert inner_products(matrix[:0], vector).shape == (0,)
    assert inner_products(np.zeros((3, 0), np.float32), np.zeros(0, np.float32)).tolist() == [0] * 3
    doubles = inner_products(matrix.astype(np.float64), vector.astype(np.float64))
    assert doubles.dtype == np.float32 and np.allclose(doubles, exact, atol=1e-4)
    stored = np.frombuffer(matrix.tobytes(), dtype=np.float32).reshape(matrix.shape)  # read-only
    assert np.array_equal(inner_products(stored, vector), inner_products(matrix, vector))
    with pytest.raises(ValueError):
        inner_products(matrix, vector[:39])


@pytest.mark.parametrize("width", [4, 8, 24, 384, 512])
def test_a_rows_score_does_not_depend_on_the_rows_scored_with_it(width):
    """rank(among=…) scores a person exactly as among everyone: the shortlist scores every
    gist, gists() only the ones asked for."""
    rng = np.random.default_rng(width)
    matrix = rng.standard_normal((1001, width)).astype(np.float32)
    vector = rng.standard_normal(width).astype(np.float32)
    rows = rng.choice(len(matrix), 57, replace=False)
    assert np.array_equal(inner_products(matrix, vector)[rows],
                          inner_products(matrix[rows], vector))
