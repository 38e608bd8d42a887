"""The bundled all-MiniLM-L6-v2 model, offline, routing questions in the demo company."""

import numpy as np
import pytest
from sqlalchemy import select

from embeddings.encoder import SentenceTransformerEncoder
from embeddings.lexical import BM25Index
from embeddings.passages import PassageIndex
from matchmaker import demo
from matchmaker.db import make_engine, make_transaction
from matchmaker.models import Base, Employee
from matchmaker.routing import Matcher

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def real_encoder():
    encoder = SentenceTransformerEncoder()
    encoder.load()
    return encoder


@pytest.fixture(scope="module")
def demo_db(real_encoder, tmp_path_factory):
    from datetime import UTC, datetime

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('model') / 'demo.db'}")
    Base.metadata.create_all(engine)
    tx = make_transaction(engine)
    with tx() as session:
        demo.seed_demo_company(session, real_encoder, demo.load_demo(), "pw",
                               datetime.now(UTC))
    yield tx
    engine.dispose()


def top_role(tx, encoder, question: str) -> tuple[str, str]:
    with tx() as session:
        best = Matcher(encoder, PassageIndex(), BM25Index()).rank(session, question).matches[0]
        employee = session.get(Employee, best.employee_id)
        return employee.role, best.explanation.reason


def test_vectors_are_unit_length_and_384_wide(real_encoder):
    vectors = real_encoder.encode(["webhooks", "pricing"])
    assert vectors.shape == (2, 384)
    assert abs(float((vectors**2).sum(axis=1).max()) - 1.0) < 1e-4


@pytest.mark.parametrize("question", [
    "How do I verify the HMAC signature of your webhooks in Node?",
    "Our API calls return 429 errors when we create invoices in bulk, what is the rate limit?",
    "Does the iOS app support offline mode?",
])
def test_a_technical_question_ranks_a_developer_first(demo_db, real_encoder, question):
    role, passage = top_role(demo_db, real_encoder, question)
    assert role == "developer", passage


@pytest.mark.parametrize("question", [
    "How much does the Pro plan cost per user per month?",
    "Do you give a volume discount if we sign a yearly contract for 200 seats?",
])
def test_a_pricing_question_ranks_a_sales_person_first(demo_db, real_encoder, question):
    role, passage = top_role(demo_db, real_encoder, question)
    assert role == "sales", passage


def test_the_profiles_are_stored_as_vectors_in_the_database(demo_db):
    with demo_db() as session:
        employees = session.scalars(select(Employee)).all()
        assert all(employee.passages for employee in employees)


def test_the_onnx_export_reads_questions_as_torch_does(real_encoder, tmp_path):
    from embeddings.quantized import MIN_COSINE, OnnxQuestions

    fast = OnnxQuestions(real_encoder, cache=tmp_path)
    fast.load()  # exports into tmp_path, then checks the export against torch
    assert fast.active
    assert len(list(tmp_path.glob("*.onnx"))) == 1
    questions = ["How much does the Pro plan cost per user per month?",
                 "Our API calls return 429 errors when we create invoices in bulk",
                 "Does the iOS app support offline mode?"]
    ours = np.stack([fast.encode_query(question) for question in questions])
    assert (ours * real_encoder.encode(questions)).sum(axis=1).min() >= MIN_COSINE
    again = OnnxQuestions(real_encoder, cache=tmp_path)
    again.load()  # the cached export, no second one
    assert again.active and len(list(tmp_path.glob("*.onnx"))) == 1
