"""Admin pages for privacy duties: find a customer, export their data as JSON, erase it (with
a typed confirmation), the erasures done, and the audit log of who opened which transcript."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from matchmaker.errors import InvalidInput, NotFound
from matchmaker.models import Conversation, Customer, Employee, Erasure
from matchmaker.privacy import audit, erasure, export

from .auth import require
from .runtime import redactor_for
from .schemas import whole_number
from .services import services

bp = Blueprint("privacy", __name__, url_prefix="/admin")
CONFIRM = "erase"


def scrubber() -> erasure.Scrubber:
    svc = services()
    return erasure.Scrubber(svc.attachment_store, redactor_for(svc))


def _number(name: str) -> int | None:
    """A conversation or employee number as an admin types it ("#42" too)."""
    return whole_number(request.args.get(name, "").strip().lstrip("#"), name)


@bp.get("/privacy")
@require("admin")
def index():
    """The search for one customer (with the person's other records: the same addresses left
    from another browser), and the erasures done so far."""
    email, number = request.args.get("email", "").strip(), _number("conversation")
    with services().transaction() as session:
        customer, records = None, []
        if email or number is not None:
            customer = erasure.find_customer(session, email or None, number)
            records = erasure.records_of(session, customer)  # the same person elsewhere
        conversations = (list(session.scalars(select(Conversation).where(
            Conversation.customer_id.in_([r.id for r in records])).order_by(Conversation.id)))
            if records else [])
        done = list(session.scalars(select(Erasure).order_by(Erasure.id.desc()).limit(50)))
        people = dict(session.execute(select(Employee.id, Employee.name)).all())
        return render_template("admin/privacy.html", customer=customer, records=records,
                               email=email,
                               number=number, conversations=conversations, erasures=done,
                               people=people, confirm=CONFIRM)


@bp.get("/privacy/customers/<id:customer_id>/export")
@require("admin")
def export_customer(customer_id: int):
    """Everything held about the customer, as a JSON download; each transcript in it logged."""
    svc = services()
    with svc.transaction() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("no such customer", code="no_such_customer")
        document = export.export_customer(session, customer, svc.clock())
        for conversation in document["conversations"]:
            audit.record_view(session, current_user.id, conversation["id"], "export", svc.clock())
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="customer-{customer_id}.json"',
        "Cache-Control": "no-store"})


@bp.post("/privacy/customers/<id:customer_id>/erase")
@require("admin")
def erase_customer(customer_id: int):
    """Erase the customer and the person's other records, once the admin typed the
    confirmation word."""
    if request.form.get("confirm", "").strip().lower() != CONFIRM:
        raise InvalidInput(gettext('Type "%(word)s" to confirm the erasure.', word=CONFIRM),
                           code="not_confirmed")
    svc = services()
    with svc.transaction() as session:
        done = erasure.erase_customer(session, customer_id, current_user.id, scrubber(),
                                      svc.clock())
        count = len(done.conversation_ids)
    flash(gettext("Erased: %(n)s conversation(s) anonymised, the customer's details removed.",
                  n=count), "ok")
    return redirect(url_for("privacy.index"))


@bp.get("/audit")
@require("admin")
def audit_log():
    """Who opened which transcript, newest first (of one colleague or conversation)."""
    employee_id, number = _number("employee"), _number("conversation")
    with services().transaction() as session:
        seen = audit.views(session, employee_id, number)
        people = dict(session.execute(select(Employee.id, Employee.name)).all())
        employees = session.scalars(select(Employee).order_by(Employee.name)).all()
        return render_template("admin/audit.html", views=seen, people=people,
                               employees=employees, employee_id=employee_id, number=number)
