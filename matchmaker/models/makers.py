"""Public profiles for the team page: the fields an employee chose to publish now, and every
opt-in or opt-out they made (kept, never updated)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .staff import Employee


class PublicProfile(Base):
    """What one employee shows customers. Nothing is public unless `public` is set, and then only
    the fields named in `fields` (the other values are their own draft, never shown)."""

    __tablename__ = "public_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)  # the public id ("ask this person")
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), unique=True)
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # which of PUBLIC_FIELDS
    display_name: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(120), default="")
    team: Mapped[str] = mapped_column(String(120), default="")
    works_on: Mapped[str] = mapped_column(Text, default="")
    about: Mapped[str] = mapped_column(Text, default="")  # a public text they wrote for it
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[Employee] = relationship()


class PublicProfileDecision(Base):
    """One opt-in (with exactly what became public) or opt-out: who decided it and when."""

    __tablename__ = "public_profile_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"))
    opted_in: Mapped[bool] = mapped_column(Boolean)
    published: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> value made public
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
