"""A unit's exports in the layout units upload to PMPZI: the LKE as XLSX (the template's "Jawaban"
sheet with the unit's and the Inspectorate's answers, the evidence list and links; a "Nilai" sheet
with the scores and the pass checks) and the supporting evidence (bukti dukung) as a ZIP with one
folder per item code, an index.html / index.csv and the XLSX at its root.

Official exports, so Indonesian whatever the reader's language. Nothing here reads the request:
the view passes the unit, and addresses are the configured public address (web/urls.py)."""
from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import quote

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from portal.core import formatting, storage, tables
from portal.core.clock import local, utcnow
from portal.extensions import db
from portal.web.urls import absolute_url, base_url
from portal.zi import evidence, lke, scoring
from portal.zi.export_names import safe_name, unique
from portal.zi.models import Answer, AnswerType, EvidenceKind, ItemEvidence, LkeItem, Unit

log = logging.getLogger(__name__)
AREA = "zi"  # storage area of the units' uploads
# The unit pages' download of one uploaded file; while it does not exist the XLSX links the file's
# path inside the ZIP, which is where the file is when both travel together.
FILE_ENDPOINT = "zi.evidence_file"


# --- what the exports hold ---------------------------------------------------------------------

@dataclass
class Entry:
    """One file of an item's folder."""
    name: str
    title: str
    data: Callable[[], bytes]
    evidence_id: int | None = None  # an upload of the unit


@dataclass
class ItemPack:
    unit_id: int
    item: LkeItem
    folder: str
    weight: float
    answer: Answer | None
    uploads: list[ItemEvidence]
    gathered: list[tuple[str, evidence.Gathered]]
    files: list[Entry] = field(default_factory=list)

    def value(self, who: str) -> str:
        if self.answer is None:
            return ""
        return self.answer.self_value if who == "self" else self.answer.assessor_value

    def points(self, who: str) -> float | None:
        share = scoring.fraction(self.item, self.value(who))
        return None if share is None else round(share * self.weight, 4)


@dataclass
class UnitExport:
    unit: Unit
    packs: list[ItemPack]
    self_result: scoring.Result
    tpi_result: scoring.Result


def collect(unit: Unit) -> UnitExport:
    """Every item of the unit's LKE in order, with its answers, evidence and folder."""
    version = unit.version
    items = lke.items_of(version)
    answers = {a.item_id: a for a in db.session.scalars(db.select(Answer).where(Answer.unit_id == unit.id))}
    uploads: dict[int, list[ItemEvidence]] = {}
    for row in db.session.scalars(db.select(ItemEvidence).where(ItemEvidence.unit_id == unit.id)
                                  .order_by(ItemEvidence.created_at, ItemEvidence.id)):
        uploads.setdefault(row.item_id, []).append(row)
    per_component: dict[int, int] = {}
    for item in items:
        per_component[item.component_id] = per_component.get(item.component_id, 0) + 1
    # One provider answers several items (the WBS register for each WBS item): asked once.
    found: dict[str, evidence.Gathered | None] = {}

    def gathered(key: str) -> evidence.Gathered | None:
        if key not in found:
            found[key] = _gather(key, unit, version.year)
        return found[key]

    folders: set[str] = set()
    packs = []
    for item in items:
        pack = ItemPack(unit.id, item, unique(safe_name(item.code, f"butir-{item.id}"), folders),
                        scoring.item_weight(item, per_component[item.component_id]), answers.get(item.id),
                        uploads.get(item.id, []),
                        [(key, g) for key in item.provider_keys if (g := gathered(key)) is not None])
        _plan_files(pack)
        packs.append(pack)
    self_values = {p.item.id: p.value("self") for p in packs}
    tpi_values = {p.item.id: p.value("tpi") for p in packs}
    return UnitExport(unit, packs, scoring.score(version, items, self_values),
                      scoring.score(version, items, tpi_values))


def _gather(key: str, unit: Unit, year: int) -> evidence.Gathered | None:
    try:
        return next(iter(evidence.gather([key], unit.opd_id, year)), None)
    except Exception:
        # Another area's failure must not stop the unit's export: it is said in the export instead.
        log.exception("zi export: unit %s: evidence provider %s failed", unit.id, key)
        return evidence.Gathered(title=str(evidence.providers()[key].label),
                                 lines=[_("The portal could not read this evidence just now.")], present=False)


def _plan_files(pack: ItemPack) -> None:
    taken: set[str] = set()
    written = [e for e in pack.uploads if e.kind in (EvidenceKind.NOTE, EvidenceKind.LINK)]
    if written:
        pack.files.append(Entry(unique("catatan.txt", taken), _("Notes and links"),
                                partial(_notes_text, pack, written)))
    for key, found in pack.gathered:
        pack.files.append(Entry(unique(safe_name(f"{key}-ringkasan.txt"), taken), found.title,
                                partial(_summary_text, found)))
        for name, make in found.files:
            pack.files.append(Entry(unique(safe_name(name), taken), found.title, make))
    for row in pack.uploads:
        if row.kind == EvidenceKind.FILE:
            pack.files.append(Entry(unique(safe_name(row.filename or row.title), taken), row.title,
                                    partial(storage.read, AREA, row.storage_key or ""), evidence_id=row.id))


def _absolute(url: str | None) -> str:
    """A portal page's path made absolute; an outside address as it is."""
    if not url:
        return ""
    return base_url() + url if url.startswith("/") and not url.startswith("//") else url


def _notes_text(pack: ItemPack, rows: list[ItemEvidence]) -> bytes:
    lines = [f"{pack.item.code} {pack.item.text}", ""]
    for row in rows:
        lines.append(row.title)
        if row.kind == EvidenceKind.LINK:
            lines.append(row.url)
        if row.note:
            lines.append(row.note)
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _summary_text(found: evidence.Gathered) -> bytes:
    lines = [found.title, "", *found.lines]
    if not found.present:
        lines.append(_("The portal holds nothing for this yet."))
    if found.url:
        lines += ["", _absolute(found.url)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def file_link(pack: ItemPack, entry: Entry) -> str:
    """Where the XLSX points for one of the unit's uploaded files."""
    if entry.evidence_id is not None and FILE_ENDPOINT in current_app.view_functions:
        try:
            return absolute_url(FILE_ENDPOINT, unit_id=pack.unit_id, evidence_id=entry.evidence_id)
        except BuildError:
            pass
    return f"{pack.folder}/{entry.name}"


def evidence_cells(pack: ItemPack) -> tuple[str, str]:
    """The template's "Daftar Bukti Dukung" and "Tautan Bukti Dukung" cells of an item."""
    titles, links = [], []
    for _key, found in pack.gathered:
        titles.append(found.title if found.present else _("%(title)s (nothing in the portal yet)", title=found.title))
        if found.url:
            links.append(_absolute(found.url))
    by_id = {e.evidence_id: e for e in pack.files if e.evidence_id is not None}
    for row in pack.uploads:
        titles.append(row.title)
        if row.kind == EvidenceKind.FILE and row.id in by_id:
            links.append(file_link(pack, by_id[row.id]))
        elif row.kind == EvidenceKind.LINK and row.url:
            links.append(row.url)
    return "\n".join(titles), "\n".join(links)


def shown(item: LkeItem, value: str):
    """An answer as the LKE writes it: Ya/Tidak, a capital letter, or the number."""
    if not value:
        return ""
    if item.answer_type == AnswerType.YES_NO:
        return _("Yes") if value == "yes" else _("No")
    if item.answer_type in (AnswerType.PERCENT, AnswerType.SCORE):
        return float(value)
    return value.upper()


def worded(item: LkeItem, value: str) -> str:
    """An answer with its option's wording, for people reading the index."""
    text = shown(item, value)
    if item.answer_type in scoring.LETTER_COUNT and value and value in scoring.LETTERS:
        position = scoring.LETTERS.index(value)
        if position < len(item.options):
            return f"{text}. {item.options[position]}"
    return value.replace(".", ",") if isinstance(text, float) else text


def file_stem(unit: Unit, kind: str) -> str:
    return f"{kind}-{safe_name(unit.opd.code, 'opd').lower()}-{unit.version.year}"


# --- the LKE as XLSX ---------------------------------------------------------------------------

def _jawaban(export: UnitExport) -> tables.Sheet:
    header = [_("ID"), _("Code"), _("Section (Pengungkit/Hasil)"), _("Part (Pemenuhan/Reform)"), _("Area"),
              _("Sub-component"), _("Item"), _("Answer type"), _("Weight"), _("Unit's answer"), _("Unit's note"),
              _("TPI's answer (Inspektorat)"), _("TPI's comment"), _("Score (unit)"), _("Score (TPI)"),
              _("List of supporting evidence"), _("Links to supporting evidence")]
    by_component: dict[int, list[ItemPack]] = {}
    for pack in export.packs:
        by_component.setdefault(pack.item.component_id, []).append(pack)
    self_areas = {a.code: a for a in export.self_result.areas}
    tpi_areas = {a.code: a for a in export.tpi_result.areas}
    rows: list[list] = []
    for area in export.unit.version.areas:
        section = str(area.section.label)
        rows.append([None, area.code, section, "", area.name, "", area.name, "", area.weight, "", "", "", "",
                     round(self_areas[area.code].score, 4), round(tpi_areas[area.code].score, 4), "", ""])
        for component in area.components:
            packs = by_component.get(component.id, [])
            part = str(component.part.label)
            rows.append([None, component.code, section, part, area.name, component.name, component.name, "",
                         component.weight, "", "", "", "", _sum(p.points("self") for p in packs),
                         _sum(p.points("tpi") for p in packs), "", ""])
            for pack in packs:
                item, answer = pack.item, pack.answer
                titles, links = evidence_cells(pack)
                rows.append([item.row_id, item.code, section, part, area.name, component.name, item.text,
                             str(item.answer_type.label), round(pack.weight, 4), shown(item, pack.value("self")),
                             answer.self_note if answer else "", shown(item, pack.value("tpi")),
                             answer.assessor_comment if answer else "", pack.points("self"), pack.points("tpi"),
                             titles, links])
    return tables.Sheet(_("Answers"), header, rows)


def _sum(values) -> float:
    return round(sum(v for v in values if v is not None), 4)


def _nilai(export: UnitExport) -> tables.Sheet:
    unit, version = export.unit, export.unit.version
    preamble: list[list] = [[_("Zona Integritas LKE"), version.title, version.year],
                            [unit.opd.name, str(unit.target.label), str(unit.status.label)]]
    if not version.pass_marks_verified:
        preamble.append([_("The pass marks are the template's numbers, not yet checked against the regulation.")])
    preamble.append([])
    header = [_("Code"), _("Area"), _("Section (Pengungkit/Hasil)"), _("Weight"), _("Score (unit)"),
              _("Percent (unit)"), _("Score (TPI)"), _("Percent (TPI)"), _("Items"), _("Answered (unit)"),
              _("Answered (TPI)")]
    rows: list[list] = []
    for mine, tpi in zip(export.self_result.areas, export.tpi_result.areas, strict=True):
        rows.append([mine.code, mine.name, str(mine.section.label), mine.weight, round(mine.score, 4),
                     round(mine.percent, 2), round(tpi.score, 4), round(tpi.percent, 2), mine.items, mine.answered,
                     tpi.answered])
    rows += [[], [_("Totals"), "", "", "", _("Score (unit)"), "", _("Score (TPI)")]]
    labels = scoring.CHECK_LABELS
    for key in scoring.PASS_MARK_KEYS:
        if key != "area_percent":
            rows.append(["", str(labels[key]), "", "", round(export.self_result.parts.get(key, 0.0), 4), "",
                         round(export.tpi_result.parts.get(key, 0.0), 4)])
    rows += [[], [_("Pass checks"), _("Requirement"), "", _("Pass mark"), _("Met (unit)"), "", _("Met (TPI)")]]
    yes, no = _("Yes"), _("No")
    for target, marks in (version.pass_marks or {}).items():
        tpi_checks = dict(export.tpi_result.checks.get(target, []))
        for key, met in export.self_result.checks.get(target, []):
            rows.append([target.upper(), str(labels.get(key, key)), "", marks[key], yes if met else no, "",
                         yes if tpi_checks.get(key) else no])
    return tables.Sheet(_("Scores"), header, rows, preamble=preamble)


def _xlsx(export: UnitExport) -> bytes:
    return tables.xlsx_bytes([_jawaban(export), _nilai(export)])


def lke_xlsx(unit: Unit) -> bytes:
    with force_locale("id"):
        return _xlsx(collect(unit))


# --- the supporting evidence as ZIP ------------------------------------------------------------

@dataclass
class Listed:
    """A file as the index lists it: its place in the ZIP, or why it is not there."""
    entry: Entry
    path: str
    size: int | None  # None: it could not be read


def _read(pack: ItemPack, entry: Entry) -> bytes | None:
    try:
        return entry.data()
    except (storage.StorageError, OSError):
        log.warning("zi export: unit %s, item %s: a stored file could not be read", pack.unit_id, pack.item.code)
    except Exception:
        # A provider's file that fails is listed as missing; the rest of the export still goes out.
        log.exception("zi export: unit %s, item %s: evidence file failed", pack.unit_id, pack.item.code)
    return None


def evidence_zip(unit: Unit, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The ZIP in memory, made by a background job (export_jobs.py; docs/decisions.md, "A unit's
    exports"). `progress(done, total)` is told after each item's files are read: they are the time."""
    with force_locale("id"):
        export = collect(unit)
        stamp = local(utcnow())
        files: list[tuple[str, bytes]] = []
        listed: dict[int, list[Listed]] = {}
        for done, pack in enumerate(export.packs, 1):
            rows = listed.setdefault(pack.item.id, [])
            for entry in pack.files:
                data = _read(pack, entry)
                path = f"{pack.folder}/{entry.name}"
                rows.append(Listed(entry, path, None if data is None else len(data)))
                if data is not None:
                    files.append((path, data))
            if progress is not None:
                progress(done, len(export.packs))
        xlsx_name = file_stem(unit, "lke") + ".xlsx"
        root = [("index.html", _index_html(export, listed, xlsx_name, stamp).encode("utf-8")),
                ("index.csv", _index_csv(export, listed)),
                (xlsx_name, _xlsx(export))]
    date_time = stamp.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in root:
            zf.writestr(zipfile.ZipInfo(name, date_time=date_time), data, compress_type=zipfile.ZIP_DEFLATED)
        for pack in export.packs:  # every item's folder, an empty one too: the layout is the LKE's
            folder = zipfile.ZipInfo(pack.folder + "/", date_time=date_time)
            folder.external_attr = (0o40755 << 16) | 0x10  # a directory, for unzip and Windows alike
            zf.writestr(folder, b"")
        for path, data in files:
            zf.writestr(zipfile.ZipInfo(path, date_time=date_time), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _answers(pack: ItemPack) -> tuple[str, str]:
    return worded(pack.item, pack.value("self")), worded(pack.item, pack.value("tpi"))


def _index_html(export: UnitExport, listed: dict[int, list[Listed]], xlsx_name: str, stamp) -> str:
    template = current_app.jinja_env.get_template("zi/export_index.html")  # autoescaped: it ends in .html
    return template.render(unit=export.unit, packs=export.packs, listed=listed, xlsx_name=xlsx_name,
                           made=formatting.moment(stamp), answers=_answers, href=_href, size=formatting.filesize)


def _href(path: str) -> str:
    return quote(path)


def _index_csv(export: UnitExport, listed: dict[int, list[Listed]]) -> bytes:
    header = [_("ID"), _("Code"), _("Item"), _("Unit's answer"), _("TPI's answer (Inspektorat)"), _("Folder"),
              _("Files")]
    rows = []
    for pack in export.packs:
        mine, tpi = _answers(pack)
        names = [row.path if row.size is not None else _("%(name)s (missing)", name=row.path)
                 for row in listed.get(pack.item.id, [])]
        rows.append([pack.item.row_id, pack.item.code, pack.item.text, mine, tpi, pack.folder + "/", "\n".join(names)])
    return tables.csv_bytes(header, rows)
