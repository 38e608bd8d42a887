"""The demo company: employees with rich profiles and past conversations, seeded once."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .conversations import append_message, mint_key
from .feedback import CONSENT_WORDING
from .lifecycle import record
from .makers import seed_public_profiles
from .models import ConsentDecision, Conversation, Customer, Employee, Rating
from .ports import Encoder
from .profiles import embed_employees
from .snippets import seed_snippets
from .staff import upsert_employee

DEMO_FILE = Path(__file__).with_name("demo") / "demo_company.json"
SITE_FILE = Path(__file__).with_name("demo") / "demo_site.json"
PUBLIC_FILE = Path(__file__).with_name("demo") / "demo_public_profiles.json"
SNIPPETS_FILE = Path(__file__).with_name("demo") / "demo_snippets.json"


def load_demo(path: Path = DEMO_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_site(path: Path = SITE_FILE) -> dict[str, dict]:
    """The demo company's website copy, by language."""
    return json.loads(path.read_text(encoding="utf-8"))


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count(Employee.id)))


def seed_demo_company(
    session: Session, encoder: Encoder, data: dict, password: str, now: datetime
) -> list[Employee]:
    """Create the demo employees (embedded) and their past conversations; returns employees."""
    employees = [upsert_employee(session, record, now, password)[0] for record in data["employees"]]
    embed_employees(session, encoder, employees)
    by_email = {employee.email: employee for employee in employees}
    for number, past in enumerate(data["conversations"]):
        _seed_conversation(session, number, past, by_email[past["employee"]], now)
    # Some makers opted in to the public team page (Aleksandra, for one, did not).
    seed_public_profiles(session, employees, json.loads(PUBLIC_FILE.read_text(encoding="utf-8")),
                         now)
    snippets = json.loads(SNIPPETS_FILE.read_text(encoding="utf-8"))["snippets"]
    seed_snippets(session, encoder, snippets, {e.email: e.id for e in employees}, now)
    session.flush()
    return employees


def _seed_conversation(session: Session, number: int, past: dict, employee: Employee,
                       now: datetime) -> None:
    started = now - timedelta(days=past["days_ago"], minutes=number * 7)
    customer = Customer(visitor_id=f"demo-visitor-{number:04d}", name=past.get("customer_name"),
                        email=past.get("customer_email"), created_at=started)
    closed = past["status"] == "closed"
    conversation = Conversation(
        customer=customer, status=past["status"], customer_present=False,
        reply_to=past.get("customer_email"),
        question=past["messages"][0]["body"],
        page_url=past.get("page_url") or "", employee_id=employee.id, created_at=started,
        accepted_at=started + timedelta(seconds=20) if closed else None,
        closed_at=started + timedelta(minutes=15) if closed else None,
        closed_by="employee" if closed else None,
    )
    session.add(conversation)
    session.flush()
    mint_key(session, conversation, "widget", started, expires_at=None)  # never used: a demo
    record(session, conversation, "imported", started, detail={"status": past["status"]})
    for turn, message in enumerate(past["messages"]):
        append_message(session, conversation, message["author"], message["body"],
                       client_id=f"seed-{turn}", now=started + timedelta(minutes=turn),
                       employee_id=employee.id if message["author"] == "employee" else None)
    if past.get("rating"):
        conversation.rating = Rating(stars=past["rating"], comment=past.get("rating_comment") or "",
                                     created_at=conversation.closed_at or started)
    if past.get("consent") in ("granted", "refused"):
        conversation.consents.append(ConsentDecision(
            granted=past["consent"] == "granted", scope="quote_anonymised",
            wording=CONSENT_WORDING["quote_anonymised"]["en"], source="widget",
            decided_at=conversation.closed_at or started))
