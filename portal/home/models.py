"""The regulations the portal implements: data, so another city brings its own."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class Regulation(db.Model):
    __tablename__ = "home_regulation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    topic: Mapped[str] = mapped_column(sa.String(32))  # wbs | coi | gratification
    short_name: Mapped[str] = mapped_column(sa.String(120))  # "Perwako No. 15 Tahun 2019"
    title_id: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text)
    summary_id: Mapped[str] = mapped_column(sa.Text, default="")
    summary_en: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_id

    def summary(self, locale: str) -> str:
        return self.summary_en if locale == "en" else self.summary_id
