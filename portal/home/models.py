"""The regulation library: the regulations the portal implements, where their official text can be
read, and the articles the portal relies on, each with whether it has been checked against the
official text. Data, so another government brings its own."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

TOPICS = ("wbs", "coi", "gratification", "competence")


class Regulation(db.Model):
    __tablename__ = "home_regulation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    topic: Mapped[str] = mapped_column(sa.String(32))  # wbs | coi | gratification | competence
    kind: Mapped[str] = mapped_column(sa.String(64), default="")  # "Perwako", "UU", "Peraturan KPK"
    number: Mapped[str] = mapped_column(sa.String(32), default="")  # "15" (text: "08/M.PAN-RB/06/2012" exists)
    year: Mapped[int | None] = mapped_column()
    short_name: Mapped[str] = mapped_column(sa.String(120))  # how it is cited: "Perwako No. 15 Tahun 2019"
    title_id: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text)
    summary_id: Mapped[str] = mapped_column(sa.Text, default="")
    summary_en: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.Text, default="")  # where the summary's facts come from
    position: Mapped[int] = mapped_column(default=0)
    # Where to read it: the government's legal documentation site (JDIH), and/or the official text
    # uploaded here (a PDF, checked by content, stored outside static/).
    jdih_url: Mapped[str] = mapped_column(sa.String(500), default="")
    text_key: Mapped[str | None] = mapped_column(sa.String(64))
    text_name: Mapped[str] = mapped_column(sa.String(200), default="")
    text_size: Mapped[int] = mapped_column(default=0)
    text_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    text_uploaded_at: Mapped[datetime | None] = mapped_column()
    text_uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))

    articles: Mapped[list[RegulationArticle]] = relationship(
        back_populates="regulation", order_by="(RegulationArticle.position, RegulationArticle.id)")
    text_uploaded_by = relationship("User", foreign_keys=[text_uploaded_by_id])

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_id

    def summary(self, locale: str) -> str:
        return self.summary_en if locale == "en" else self.summary_id

    @property
    def readable(self) -> bool:
        """Whether anyone can be told where to read the official text."""
        return bool(self.text_key or self.jdih_url)


class RegulationArticle(db.Model):
    """An article (pasal) the portal relies on: a list, a deadline, who decides. Until someone has
    checked it against the official text, the portal says it applies it, and the admin's setup
    checklist shows it."""

    __tablename__ = "home_regulation_article"

    id: Mapped[int] = mapped_column(primary_key=True)
    regulation_id: Mapped[int] = mapped_column(sa.ForeignKey("home_regulation.id"), index=True)
    # Names what in the portal relies on it (the default content's "coi-types"); the areas' setup
    # checks find their article by it. Articles added in the portal have none.
    key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120), default="")  # "Pasal 6"; empty while unknown
    relied_id: Mapped[str] = mapped_column(sa.Text)  # what the portal takes from it, in Indonesian
    relied_en: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.Text, default="")  # for the admin: what is known, what to check
    position: Mapped[int] = mapped_column(default=0)
    verified: Mapped[bool] = mapped_column(default=False)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("auth_user.id"))
    verified_on: Mapped[date | None] = mapped_column()

    regulation: Mapped[Regulation] = relationship(back_populates="articles")
    verified_by = relationship("User", foreign_keys=[verified_by_id])

    def relied(self, locale: str) -> str:
        return self.relied_en if locale == "en" else self.relied_id

    @property
    def citation(self) -> str:
        """"Perwako No. 27 Tahun 2019, Pasal 6", or only the regulation while the article is unknown."""
        return f"{self.regulation.short_name}, {self.label}" if self.label else self.regulation.short_name
