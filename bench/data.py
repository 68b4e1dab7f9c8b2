"""A synthetic city for the benchmarks: `python bench/make_data.py --employees 15000`.

Builds, in an empty migrated database that has the seed content (`flask --app portal seed`):
Padang's OPDs (numbered extras up to --opds), employees with valid unique NIPs (about 70 % PNS,
30 % PPPK; a head, a secretary and heads of division in every OPD, everyone with a superior),
a login for each OPD's secretary (`sekretaris.bench<N>`) and `inspektur` (COI reviewer) when
missing, and participation data in the ratios of issue 8 (15,000 employees: 300,000 lessons
read, 75,000 quiz attempts, 300 sessions, 30,000 declarations):

- lessons read = 20 x employees, submitted quiz attempts = 5 x employees (passes and fails),
  a Completion for every pass (whose lessons were all read first) and a module certificate
  for every completion;
- sessions = employees / 50 (Inspectorate sessions for one to three OPDs and OPDs' own ones,
  last year to next month), their participants, attendance marked and an attendance
  certificate for those who came to the closed ones;
- declarations = 2 x employees: this year's and earlier yearly statements, ad-hoc
  declarations in several states.

Padang's seed has 3 modules of 4 lessons, and a person reads a lesson once (a unique row), so
20 lessons read per person need more lessons: active "Modul uji beban" modules of 6 lessons
are added (3 of them for the default ratio: 6 modules, 30 lessons; they have no question bank,
this is benchmark data). The seed's pass marks and quiz sizes are used for grading.

Rows are written in bulk: PostgreSQL's COPY (psycopg) on PostgreSQL, batched Core
executemany (5,000 rows) elsewhere; never the ORM per row nor the services. Ids are assigned
here and the sequences moved past them. On PostgreSQL as a superuser the per-row foreign-key
triggers are off while loading (session_replication_role = replica, for this transaction only,
as pg_restore --disable-triggers does) and every foreign key written is then checked set-wise.
Quiz questions of attempts (learning_attempt_question) and audit events are not generated: no
participation page reads them.

Deterministic for a given --seed (apart from timestamps, relative to now).
"""
from __future__ import annotations

import csv
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.auth.models import User, UserRole
from portal.certificates.models import Certificate, CertificateChange
from portal.certificates.services import CODE_LENGTH
from portal.core.codes import ALPHABET
from portal.coi.models import Declaration, ListItem, declaration_source, declaration_type, seal_context
from portal.core.sealing import Seal, SealedText
from portal.extensions import db
from portal.home.models import Regulation
from portal.learning import grading
from portal.learning.models import Attempt, Completion, Lesson, LessonRead, Module
from portal.org import nip as nip_rules
from portal.org.models import Employee, Opd, OpdKind
from portal.core.roles import Role
from portal.socialisation.models import Participant, SocialisationSession, invited_opd

from portal.demo.org import DATA, DEMO_PASSWORD, FAMILY, FEMALE, MALE, STAFF_TITLES, _head_title

BATCH = 5_000          # rows per executemany (non-PostgreSQL)
FLUSH_ROWS = 200_000   # rows buffered before they are written
SECRETARY_PREFIX = "sekretaris.bench"
BENCH_MODULE_LESSONS = 6
WIB = ZoneInfo("Asia/Jakarta")

SESSION_TOPICS = ["Sosialisasi Whistleblowing System", "Sosialisasi penanganan benturan kepentingan",
                  "Pengendalian gratifikasi", "Internalisasi kode etik ASN", "Budaya antikorupsi di unit layanan",
                  "Zona Integritas menuju WBK/WBBM"]
VENUES = ["Aula Balai Kota Padang", "Ruang Abu Bakar Ja'ar, Balai Kota Padang", "Aula Inspektorat Kota Padang",
          "Ruang rapat OPD", "Gedung Youth Center Bagindo Aziz Chan"]
ADHOC = [("procurement", "Keluarga saya ikut tender pengadaan yang saya tangani.", "CV Sehat Sentosa", "family"),
         ("recruitment", "Anak teman dekat melamar di unit yang saya nilai.", "Peserta seleksi", "affiliation"),
         ("licensing", "Saya memiliki saham di usaha pemohon izin.", "PT Minang Jaya", "business"),
         ("supervision", "Saya diminta mengaudit kegiatan yang dulu saya kelola.", "Bidang lama saya",
          "other_position"),
         ("assessment", "Rekanan yang dinilai pernah memberi bingkisan.", "CV Rekanan Jaya", "gift_giver")]


class BenchDataError(Exception):
    pass


@dataclass
class Report:
    employees: int = 0
    opds: int = 0
    counts: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    largest_opd: tuple[str, str, int] = ("", "", 0)   # code, name, headcount (active)
    largest_secretary: str = ""
    modules: int = 0
    lessons: int = 0
    added_modules: int = 0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def lines(self) -> list[str]:
        c = self.counts
        pns, pppk = c["employees_pns"], c["employees_pppk"]
        return [
            f"OPDs: {self.opds}; employees: {self.employees} ({pns} PNS {100 * pns / max(1, self.employees):.0f} %, "
            f"{pppk} PPPK {100 * pppk / max(1, self.employees):.0f} %, {c['employees_inactive']} inactive)",
            f"largest OPD: {self.largest_opd[0]} ({self.largest_opd[1]}), {self.largest_opd[2]} active employees, "
            f"secretary login {self.largest_secretary}",
            f"logins: {c['secretaries']} OPD secretaries ({SECRETARY_PREFIX}<N>), inspektur "
            f"{'created' if c['inspektur_created'] else 'already present'}; password {DEMO_PASSWORD}",
            f"learning: {self.modules} modules / {self.lessons} lessons ({self.added_modules} bench modules added); "
            f"{c['lesson_reads']} lessons read ({c['lesson_reads'] / max(1, self.employees):.1f} per employee), "
            f"{c['attempts']} attempts ({c['attempts_passed']} passed), {c['completions']} completions",
            f"sessions: {c['sessions']} ({c['sessions_closed']} closed), {c['participants']} participants, "
            f"{c['invited_opds']} invited OPDs",
            f"declarations: {c['declarations']} ({c['yearly_this_year']} yearly statements this year, "
            f"{c['yearly_earlier']} earlier, {c['adhoc']} ad-hoc)",
            f"certificates: {c['certificates']} ({c['certificates_module']} module, "
            f"{c['certificates_attendance']} attendance)",
            "time: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
            + f"; total {self.total_seconds:.1f} s",
        ]


# --- writing ----------------------------------------------------------------------------------------

class _Writer:
    """Buffers rows per table and writes them parents first: COPY on PostgreSQL, executemany elsewhere."""

    ORDER = [Employee.__table__, LessonRead.__table__, Attempt.__table__, Completion.__table__,
             SocialisationSession.__table__, invited_opd, Participant.__table__, Declaration.__table__, declaration_type,
             declaration_source, Certificate.__table__, CertificateChange.__table__]

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.columns: dict[str, list[str]] = {}
        self.buffers: dict[str, list[tuple]] = defaultdict(list)
        self.buffered = 0
        self.written: Counter = Counter()
        self.triggers_off = False

    def next_id(self, table: sa.Table) -> int:
        return (self.conn.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1

    def add(self, table: sa.Table, columns: tuple[str, ...], row: tuple) -> None:
        self.columns.setdefault(table.name, list(columns))
        self.buffers[table.name].append(row)
        self.buffered += 1
        if self.buffered >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for table in self.ORDER:
            rows = self.buffers.pop(table.name, None)
            if rows:
                self._write(table, self.columns[table.name], rows)
        self.buffered = 0

    def _write(self, table: sa.Table, columns: list[str], rows: list[tuple]) -> None:
        if self.pg:
            raw = self.conn.connection.driver_connection
            with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            stmt = table.insert()
            for start in range(0, len(rows), BATCH):
                self.conn.execute(stmt, [dict(zip(columns, r)) for r in rows[start:start + BATCH]])
        self.written[table.name] += len(rows)

    def skip_fk_triggers(self) -> bool:
        """As `pg_restore --disable-triggers` does: no per-row foreign-key check while loading
        (most of the loading time otherwise), only for a superuser and this transaction;
        verify_foreign_keys() checks every written key afterwards, set-wise."""
        if not self.pg or self.conn.scalar(sa.text("SELECT current_setting('is_superuser')")) != "on":
            return False
        self.conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        self.triggers_off = True
        return True

    def verify_foreign_keys(self) -> None:
        if not self.triggers_off:
            return
        self.conn.execute(sa.text("SET LOCAL session_replication_role = origin"))
        for table in self.ORDER:
            if not self.written[table.name]:
                continue
            for fk in table.foreign_keys:
                child, parent = fk.parent.name, fk.column
                missing = self.conn.scalar(sa.text(
                    f"SELECT count(*) FROM {table.name} c WHERE c.{child} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {parent.table.name} p WHERE p.{parent.name} = c.{child})"))
                if missing:
                    raise BenchDataError(f"{missing} rows of {table.name}.{child} point to no {parent.table.name}.")

    def reset_sequences(self) -> None:
        if not self.pg:
            return
        for table in self.ORDER:
            if "id" in table.c and self.written[table.name]:
                self.conn.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table.name}))"))


# --- helpers --------------------------------------------------------------------------------------------

def _nip(rng: random.Random, used: set[str], gender: str, pppk: bool, today: date) -> str:
    g = "1" if gender == "L" else "2"
    while True:
        if pppk:
            birth = date(rng.randint(1970, 2000), rng.randint(1, 12), rng.randint(1, 28))
            year = rng.randint(max(2021, birth.year + 22), 2025)
            value = f"{birth:%Y%m%d}{year}21{g}{rng.randint(1, 999):03d}"
        else:
            birth = date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28))
            year = min(birth.year + rng.randint(22, 32), today.year - 1)
            value = f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{g}{rng.randint(1, 999):03d}"
        if value not in used:
            used.add(value)
            return value


def _sizes(rng: random.Random, employees: int, codes: list[str], largest_code: str) -> dict[str, int]:
    """Head counts per OPD: the largest has employees/15 (1,000 of 15,000; more with few OPDs); the
    others share the rest, in proportion to random weights, none above 90 % of the largest."""
    if len(codes) == 1:
        return {largest_code: employees}
    largest = max(round(employees / 15), math.ceil(1.5 * employees / len(codes)))
    weights = {}
    for code in codes:
        if code == largest_code:
            continue
        w = rng.uniform(0.4, 1.6)
        if code in ("DINKES", "RSUD-RASIDIN", "DPUPR", "SATPOLPP"):
            w *= 2.5
        weights[code] = w
    rest, cap = employees - largest, 0.9 * largest
    raw: dict[str, float] = {}
    free = dict(weights)
    while free:
        left = rest - sum(raw.values())
        total_w = sum(free.values())
        over = {c for c, w_ in free.items() if left * w_ / total_w > cap}
        if not over:
            raw.update({c: left * w_ / total_w for c, w_ in free.items()})
            break
        for c in over:
            raw[c] = cap
            del free[c]
    sizes = {c: int(v) for c, v in raw.items()}
    for c in sorted(raw, key=lambda c: raw[c] - sizes[c], reverse=True)[:rest - sum(sizes.values())]:
        sizes[c] += 1
    sizes[largest_code] = largest
    if min(sizes.values()) < 5 or max(v for c, v in sizes.items() if c != largest_code) >= largest:
        raise BenchDataError("Too few employees for that many OPDs.")
    return sizes


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WIB).astimezone(timezone.utc)


# --- the city -----------------------------------------------------------------------------------------------

def build(employees: int, opds: int = 45, seed: int = 1, *, reads_per_employee: float = 20,
          attempts_per_employee: float = 5, echo=print) -> Report:
    """Generate the city in the current session's transaction (the caller commits)."""
    if employees < 15 * opds:
        raise BenchDataError("Use at least 15 employees per OPD.")
    conn = db.session.connection()
    if conn.scalar(sa.select(sa.func.count()).select_from(Employee.__table__)):
        raise BenchDataError("The database already has employees: bench/make_data.py needs an empty, migrated database "
                             "(flask --app portal db upgrade, then seed).")
    if not conn.scalar(sa.select(sa.func.count()).select_from(Module.__table__)):
        raise BenchDataError("No learning modules: run `flask --app portal seed` first.")
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    today = now.astimezone(WIB).date()
    report = Report(employees=employees)
    w = _Writer(conn)
    w.skip_fk_triggers()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        w.flush()
        report.seconds[name] = time.perf_counter() - clock
        echo(f"  {name}: {report.seconds[name]:.1f} s")
        clock = time.perf_counter()

    # OPDs ------------------------------------------------------------------------------------------
    with open(DATA / "opds.csv", newline="", encoding="utf-8") as fh:
        specs = [(r["code"], r["name"], r["short_name"], r["kind"]) for r in csv.DictReader(fh)][:opds]
    for n in range(len(specs) + 1, opds + 1):
        specs.append((f"UNIT-{n:02d}", f"Unit Kerja Uji Beban {n:02d}", f"Unit {n:02d}", "other"))
    existing = {code: oid for oid, code in conn.execute(sa.select(Opd.__table__.c.id, Opd.__table__.c.code))}
    opd_ids, opd_names, opd_kinds = {}, {}, {}
    for code, name, short, kind in specs:
        if code not in existing:
            existing[code] = conn.execute(sa.insert(Opd.__table__).values(
                code=code, name=name, short_name=short, kind=OpdKind(kind), active=True, created_at=now,
            )).inserted_primary_key[0]
        opd_ids[code], opd_names[code], opd_kinds[code] = existing[code], name, kind
    report.opds = len(specs)
    codes = [s[0] for s in specs]
    largest_code = "DISDIKBUD" if "DISDIKBUD" in codes else codes[0]
    sizes = _sizes(rng, employees, codes, largest_code)

    # Employees ----------------------------------------------------------------------------------------
    emp_cols = ("id", "nip", "name", "email", "position", "employment_type", "birth_date", "gender", "opd_id",
                "superior_id", "is_opd_head", "active", "created_at", "updated_at")
    next_emp = w.next_id(Employee.__table__)
    used: set[str] = set()
    people = []  # SimpleNamespace per employee: id, opd (code), nip, name, superior_id, active...
    heads, secretaries = {}, {}
    by_opd: dict[str, list] = defaultdict(list)
    kabids_of = {code: max(1, min(15, sizes[code] // 70)) for code in codes}
    staff_total = sum(sizes[c] - 2 - kabids_of[c] for c in codes)
    p_pppk = min(0.95, 0.3 * employees / staff_total)  # heads, secretaries and heads of division are PNS
    for code in codes:
        n, kabid_n = sizes[code], kabids_of[code]
        rows_here = []
        for i in range(n):
            gender = rng.choice("LP")
            if i == 0:
                role, pppk = "head", False
                position = _head_title(SimpleNamespace(kind=OpdKind(opd_kinds[code]), code=code,
                                                       name=opd_names[code]))
            elif i == 1:
                role, position, pppk = "secretary", f"Sekretaris {opd_names[code]}", False
            elif i < 2 + kabid_n:
                role, position, pppk = "kabid", f"Kepala Bidang {i - 1}", False
            else:
                role = "staff"
                position = ("Guru Ahli Pertama" if code == "DISDIKBUD" and rng.random() < 0.7 else
                            "Perawat Terampil" if code in ("DINKES", "RSUD-RASIDIN") and rng.random() < 0.5 else
                            rng.choice(STAFF_TITLES))
                pppk = rng.random() < p_pppk
            value = _nip(rng, used, gender, pppk, today)
            first = rng.choice(MALE if gender == "L" else FEMALE)
            person = SimpleNamespace(id=next_emp, opd=code, head=role == "head", role=role, nip=value,
                                     name=f"{first} {rng.choice(FAMILY)}", pppk=pppk, position=position,
                                     active=role != "staff" or rng.random() >= 0.01, superior_id=None)
            next_emp += 1
            rows_here.append(person)
        head, kabids = rows_here[0], rows_here[2:2 + kabid_n]
        rows_here[1].superior_id = head.id
        for k in kabids:
            k.superior_id = head.id
        for s in rows_here[2 + kabid_n:]:
            s.superior_id = rng.choice(kabids).id
        heads[code], secretaries[code] = head, rows_here[1]
        by_opd[code] = rows_here
        people.extend(rows_here)
    for p in people:
        parsed = nip_rules.parse(p.nip, today)  # every NIP passes the portal's own rules
        w.add(Employee.__table__, emp_cols, (
            p.id, p.nip, p.name, f"pegawai{p.id}@bench.invalid" if p.id % 3 else None, p.position,
            "pppk" if p.pppk else "pns", parsed.birth_date, parsed.gender, opd_ids[p.opd], p.superior_id, p.head,
            p.active, now, now))
    report.counts["employees_pppk"] = sum(p.pppk for p in people)
    report.counts["employees_pns"] = len(people) - report.counts["employees_pppk"]
    report.counts["employees_inactive"] = sum(not p.active for p in people)
    lap("employees")

    # Logins ---------------------------------------------------------------------------------------------
    from portal.auth.passwords import hash_password

    password_hash = hash_password(DEMO_PASSWORD)  # once, reused for every account
    users = User.__table__
    roles = UserRole.__table__

    def login(username: str, employee_id: int, role_values: list[str]) -> int:
        uid = conn.execute(sa.insert(users).values(
            username=username, password_hash=password_hash, session_version=1, must_change_password=False,
            active=True, created_at=now, employee_id=employee_id)).inserted_primary_key[0]
        conn.execute(sa.insert(roles), [{"user_id": uid, "role": Role(r)} for r in role_values])
        return uid

    taken = set(conn.scalars(sa.select(users.c.username).where(users.c.username.is_not(None))))
    secretary_users = {}
    for n, code in enumerate(codes, start=1):
        username = f"{SECRETARY_PREFIX}{n}"
        if username in taken:
            raise BenchDataError(f"{username} already exists.")
        secretary_users[code] = login(username, secretaries[code].id, ["asn", "secretary"])
        report.counts["secretaries"] += 1
        if code == largest_code:
            report.largest_secretary = username
    inspektur_id = conn.scalar(sa.select(users.c.id).where(users.c.username == "inspektur"))
    if inspektur_id is None:
        home = "INSPEKTORAT" if "INSPEKTORAT" in heads else codes[0]
        inspektur_id = login("inspektur", heads[home].id, ["asn", "coi_reviewer"])
        report.counts["inspektur_created"] = 1
    lap("logins")

    # Learning ---------------------------------------------------------------------------------------------
    modules = _modules(conn, now, reads_per_employee, report)
    lessons_total = sum(len(m["lessons"]) for m in modules)
    a_per_module = attempts_per_employee / len(modules)
    p_fail_only, p_partial = 0.10, 0.12
    p_complete = reads_per_employee / lessons_total - p_fail_only - p_partial / 2
    fails_before_pass = (a_per_module - 1.5 * p_fail_only) / p_complete - 1 if p_complete > 0 else -1
    # Shares per (employee, module); divided by 1 - (share of the OPD who never started, at most 25 %).
    if p_complete <= 0 or p_complete + p_fail_only + p_partial > 0.75 or fails_before_pass < 0:
        raise BenchDataError("These ratios of lessons read and attempts do not fit the modules.")
    cert_titles = _regulation_lines(conn)
    read_cols = ("id", "employee_id", "lesson_id", "read_at")
    att_cols = ("id", "module_id", "employee_id", "started_at", "deadline_at", "last_saved_at", "submitted_at",
                "timed_out", "pass_mark_percent", "question_count", "correct_count", "score_percent", "passed")
    comp_cols = ("id", "employee_id", "module_id", "attempt_id", "score_percent", "completed_at")
    cert_cols = ("id", "code", "kind", "employee_id", "subject_key", "session_id", "module_id", "year", "subject_id",
                 "subject_en", "regulation", "holder_name", "holder_nip", "opd_id", "opd_name", "issued_on",
                 "issued_at", "status", "revoked_reason", "version")
    change_cols = ("id", "certificate_id", "at", "action", "reason", "version", "actor_id")
    ids = {t: w.next_id(t) for t in (LessonRead.__table__, Attempt.__table__, Completion.__table__,
                                      Certificate.__table__, CertificateChange.__table__)}
    codes_used: set[str] = set()

    def take(table) -> int:
        value = ids[table]
        ids[table] += 1
        return value

    def certificate(kind: str, p, subject_key: str, subject_id: str, subject_en: str, regulation: str,
                    at: datetime, session_id=None, module_id=None) -> None:
        while True:
            code = "".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH))
            if code not in codes_used:
                codes_used.add(code)
                break
        cid = take(Certificate.__table__)
        w.add(Certificate.__table__, cert_cols, (
            cid, code, kind, p.id, subject_key, session_id, module_id, None, subject_id, subject_en, regulation,
            p.name, p.nip, opd_ids[p.opd], opd_names[p.opd], at.astimezone(WIB).date(), at, "valid", "", 1))
        w.add(CertificateChange.__table__, change_cols, (take(CertificateChange.__table__), cid, at, "issued", "", 1,
                                                         None))
        report.counts["certificates"] += 1
        report.counts[f"certificates_{kind}"] += 1

    nobody = {code: rng.uniform(0.05, 0.25) for code in codes}  # share of each OPD who never started
    earliest = now - timedelta(days=600)
    for p in people:
        z = nobody[p.opd]
        if rng.random() < z:
            continue
        scale = 1 / (1 - z)
        for m in modules:
            roll = rng.random()
            if roll < p_complete * scale:
                state = "complete"
            elif roll < (p_complete + p_fail_only) * scale:
                state = "failed"
            elif roll < (p_complete + p_fail_only + p_partial) * scale:
                state = "partial"
            else:
                continue
            day = earliest + timedelta(seconds=rng.randint(0, int((now - earliest).total_seconds()) - 6 * 86400))
            lessons = m["lessons"] if state != "partial" else m["lessons"][:rng.randint(1, len(m["lessons"]) - 1)]
            for i, lesson_id in enumerate(lessons):
                w.add(LessonRead.__table__, read_cols, (take(LessonRead.__table__), p.id, lesson_id,
                                                        day + timedelta(minutes=8 * i)))
            report.counts["lesson_reads"] += len(lessons)
            if state == "partial":
                continue
            if state == "failed":
                r = rng.random()
                fails = 1 if r < 0.6 else 2 if r < 0.9 else 3
            else:
                r = rng.random()
                fails = 2 if r < fails_before_pass / 4 else 1 if r < 3 * fails_before_pass / 4 else 0
            q, mark = m["questions"], m["pass_mark"]
            needed = math.ceil(mark * q / 100)
            for j in range(fails + (state == "complete")):
                passing = j == fails
                correct = rng.randint(needed, q) if passing else rng.randint(max(0, needed - 5), needed - 1)
                started = day + timedelta(days=j + 1, minutes=rng.randint(0, 300))
                submitted = started + timedelta(minutes=rng.randint(4, 12))
                score = grading.score_percent(correct, q)
                passed = grading.has_passed(correct, q, mark)
                assert passed == passing
                aid = take(Attempt.__table__)
                w.add(Attempt.__table__, att_cols, (
                    aid, m["id"], p.id, started,
                    started + timedelta(minutes=m["limit"]) if m["limit"] else None, submitted, submitted, False,
                    mark, q, correct, score, passed))
                report.counts["attempts"] += 1
                report.counts["attempts_passed"] += passed
                if passing:
                    w.add(Completion.__table__, comp_cols, (take(Completion.__table__), p.id, m["id"], aid, score,
                                                            submitted))
                    report.counts["completions"] += 1
                    certificate("module", p, f"module:{m['id']}", m["title_id"], m["title_en"],
                                cert_titles.get(m["topic"], ""), submitted, module_id=m["id"])
    lap("learning")

    # Sessions ------------------------------------------------------------------------------------------------
    sess_cols = ("id", "title", "description", "starts_at", "ends_at", "late_after", "venue", "capacity", "speakers",
                 "owner_opd_id", "created_by_id", "created_at", "minutes", "minutes_updated_at", "closed_at",
                 "cancelled_at")
    part_cols = ("id", "session_id", "employee_id", "opd_id", "source", "status", "method", "checked_in_at",
                 "marked_by_id", "device_hash", "note", "created_at")
    next_session, next_part = w.next_id(SocialisationSession.__table__), w.next_id(Participant.__table__)
    active_by_opd = {code: [p for p in rows if p.active] for code, rows in by_opd.items()}
    size_weights = [sizes[c] for c in codes]
    first_day = date(today.year - 1, 1, 6)
    span = (today + timedelta(days=45) - first_day).days
    for s in range(max(1, employees // 50)):
        sid = next_session
        next_session += 1
        day = first_day + timedelta(days=rng.randint(0, span))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        starts = _utc(day, rng.choice((8, 9, 13)), rng.choice((0, 30)))
        ends = starts + timedelta(hours=rng.choice((2, 3, 4)))
        own = rng.random() < 0.3
        chosen = [rng.choices(codes, weights=size_weights)[0]]
        if not own:
            chosen += rng.sample(codes, rng.randint(0, 2))
        chosen = list(dict.fromkeys(chosen))
        closed = ends + timedelta(hours=1) if ends + timedelta(hours=1) < now else None
        title = f"{rng.choice(SESSION_TOPICS)} #{s + 1}"
        w.add(SocialisationSession.__table__, sess_cols, (
            sid, title, "", starts, ends, starts + timedelta(minutes=15),
            rng.choice(VENUES), rng.choice((None, 100, 150)), "Inspektorat Kota Padang",
            opd_ids[chosen[0]] if own else None, secretary_users[chosen[0]] if own else inspektur_id,
            starts - timedelta(days=14), "", None, closed, None))
        report.counts["sessions"] += 1
        report.counts["sessions_closed"] += closed is not None
        if not own:
            for code in chosen:
                w.add(invited_opd, ("session_id", "opd_id"), (sid, opd_ids[code]))
                report.counts["invited_opds"] += 1
        pool = [p for code in chosen for p in active_by_opd[code]]
        for p in rng.sample(pool, min(len(pool), rng.randint(20, 90))):
            status, method, checked = "expected", None, None
            if closed:
                r = rng.random()
                status = "present" if r < 0.75 else "late" if r < 0.83 else "excused" if r < 0.9 else "absent"
                if status in ("present", "late"):
                    method = "manual" if rng.random() < 0.3 else "qr"
                    checked = starts + timedelta(minutes=rng.randint(20, 45) if status == "late"
                                                 else rng.randint(-20, 10))
            w.add(Participant.__table__, part_cols, (
                next_part, sid, p.id, opd_ids[p.opd], "nominated" if own else "invited", status, method, checked,
                inspektur_id if method == "manual" else None, None, "", starts - timedelta(days=7)))
            next_part += 1
            report.counts["participants"] += 1
            if checked is not None:
                certificate("attendance", p, f"session:{sid}", title, title, "", checked, session_id=sid)
    lap("sessions")

    # Declarations --------------------------------------------------------------------------------------------
    # What people write is stored sealed with each declaration's own key, as the portal does.
    sealed_text = [v for v in vars(Declaration).values() if isinstance(v, SealedText)]
    decl_cols = ("id", "register_no", "kind", "year", "status", "declarant_id", "opd_id", "no_conflict",
                 "activity", "related_employee_id", "relationship_kind", "gift_involved", "changes_id",
                 "created_at", "submitted_on", "route", "decider_id", "due_on", "reminded_on", "decision_id",
                 "decided_on", "decided_by_id", "acknowledged_on", "wrapped_key", *(t.column for t in sealed_text))
    items = defaultdict(list)
    for kind, iid, code in conn.execute(sa.select(ListItem.__table__.c.kind, ListItem.__table__.c.id,
                                                  ListItem.__table__.c.code).order_by(ListItem.__table__.c.position)):
        items[getattr(kind, "value", kind)].append((iid, code))
    if not (items["type"] and items["source"] and items["decision"]):
        raise BenchDataError("The conflict-of-interest lists are empty: run `flask --app portal seed` first.")
    decision = next((iid for iid, code in items["decision"] if code == "RECUSAL"), items["decision"][0][0])
    next_decl = w.next_id(Declaration.__table__)
    target = 2 * employees
    active_people = [p for p in people if p.active]
    plan = [(today.year, 0.85), (today.year - 1, 0.80), (today.year - 2, 0.15)]
    made = 0

    def declaration(p, kind, year, status, submitted_on, **extra) -> int:
        nonlocal next_decl, made
        did = next_decl
        next_decl += 1
        made += 1
        values = dict(id=did, register_no=None if status == "draft" else f"BK/{p.opd}/{year}/{did:05d}", kind=kind,
                      year=year, status=status, declarant_id=p.id, opd_id=opd_ids[p.opd],
                      no_conflict=kind == "yearly", description="", activity=None, activity_detail="",
                      related_party="", related_employee_id=None, relationship_kind=None, gift_involved=False,
                      gift_report_ref="", proposed_measure="", changes_id=None,
                      created_at=_utc(submitted_on, 8) if submitted_on else now, submitted_on=submitted_on,
                      route=None, decider_id=None, due_on=None, reminded_on=None, decision_id=None,
                      decision_rationale="", decided_on=None, decided_by_id=None, acknowledged_on=None)
        values.update(extra)
        holder = SimpleNamespace(wrapped_key=None)
        seal = Seal(holder, seal_context(did))
        seal.create_key()
        values["wrapped_key"] = holder.wrapped_key
        for t in sealed_text:
            text = values.pop(t.name)
            values[t.column] = seal.text(t.field(holder), text) if text else None
        w.add(Declaration.__table__, decl_cols, tuple(values[c] for c in decl_cols))
        report.counts["declarations"] += 1
        return did

    for year, share in plan:
        first = date(year, 1, 2)
        last = min(date(year, 12, 31), today)
        for p in active_people:
            if rng.random() >= share:
                continue
            draft = year == today.year and rng.random() < 0.03
            declaration(p, "yearly", year, "draft" if draft else "filed",
                        None if draft else first + timedelta(days=rng.randint(0, (last - first).days)))
            report.counts["yearly_this_year" if year == today.year else "yearly_earlier"] += 1
    adhoc_states = ["submitted", "submitted", "decided", "decided", "decided", "acknowledged", "acknowledged",
                    "draft"]
    while made < target:
        p = rng.choice(active_people)
        activity, text, party, relation = rng.choice(ADHOC)
        status = rng.choice(adhoc_states)
        filed = None if status == "draft" else today - timedelta(days=rng.randint(1, 500))
        route = None if status == "draft" else "inspectorate" if p.superior_id is None else "superior"
        decided = filed + timedelta(days=rng.randint(1, 10)) if status in ("decided", "acknowledged") else None
        did = declaration(
            p, "adhoc", (filed or today).year, status, filed, no_conflict=False, description=text,
            activity=activity, activity_detail="Tahun anggaran berjalan", related_party=party,
            relationship_kind=relation, gift_involved=relation == "gift_giver",
            proposed_measure="Saya tidak ikut dalam proses penilaian dan keputusan terkait.", route=route,
            decider_id=p.superior_id if route == "superior" else None,
            due_on=filed + timedelta(days=14) if filed else None,
            decision_id=decision if decided else None,
            decision_rationale="Pegawai tidak dilibatkan dalam proses tersebut." if decided else "",
            decided_on=min(decided, today) if decided else None, decided_by_id=inspektur_id if decided else None,
            acknowledged_on=min(decided + timedelta(days=2), today) if status == "acknowledged" else None)
        w.add(declaration_type, ("declaration_id", "item_id"), (did, rng.choice(items["type"])[0]))
        w.add(declaration_source, ("declaration_id", "item_id"), (did, rng.choice(items["source"])[0]))
        report.counts["adhoc"] += 1

    w.flush()
    lap("declarations")
    w.verify_foreign_keys()
    lap("foreign keys checked")
    w.reset_sequences()
    report.largest_opd = (largest_code, opd_names[largest_code], sum(1 for p in by_opd[largest_code] if p.active))
    if w.pg:
        conn.execute(sa.text("ANALYZE"))
    lap("sequences, ANALYZE")
    return report


def _modules(conn, now: datetime, reads_per_employee: float, report: Report) -> list[dict]:
    """The active modules and their lessons; adds 6-lesson bench modules until 20 reads per person fit."""
    mt, lt = Module.__table__, Lesson.__table__

    def load():
        mods = [dict(row._mapping) for row in conn.execute(
            sa.select(mt.c.id, mt.c.topic, mt.c.title_id, mt.c.title_en, mt.c.position,
                      mt.c.questions_per_attempt.label("questions"), mt.c.pass_mark_percent.label("pass_mark"),
                      mt.c.time_limit_minutes.label("limit")).where(mt.c.active.is_(True)).order_by(mt.c.position))]
        lessons = defaultdict(list)
        for mid, lid in conn.execute(sa.select(lt.c.module_id, lt.c.id).order_by(lt.c.position, lt.c.id)):
            lessons[mid].append(lid)
        for m in mods:
            m["lessons"] = lessons[m["id"]]
        return [m for m in mods if m["lessons"]]

    mods = load()
    # Enough lessons that the shares in build() fit: reads / lessons + 0.06 <= 0.75.
    needed = math.ceil(reads_per_employee / 0.69)
    added = 0
    while sum(len(m["lessons"]) for m in mods) < needed:
        added += 1
        n = len(mods) + 1
        position = max((m["position"] for m in mods), default=0) + 1
        mid = conn.execute(sa.insert(mt).values(
            slug=f"uji-beban-{n}", topic="other", position=position, title_id=f"Modul uji beban {n}",
            title_en=f"Load-test module {n}", summary_id="Data uji beban.", summary_en="Load-test data.",
            questions_per_attempt=10, pass_mark_percent=80, attempts_per_day=3, time_limit_minutes=15, active=True,
            created_at=now, updated_at=now)).inserted_primary_key[0]
        conn.execute(sa.insert(lt), [dict(module_id=mid, slug=f"pelajaran-{i}", position=i,
                                          title_id=f"Pelajaran {i}", title_en=f"Lesson {i}",
                                          body_id="Teks uji beban.", body_en="Load-test text.", sources="",
                                          updated_at=now) for i in range(1, BENCH_MODULE_LESSONS + 1)])
        mods = load()
    report.modules, report.lessons, report.added_modules = len(mods), sum(len(m["lessons"]) for m in mods), added
    return mods


def _regulation_lines(conn) -> dict[str, str]:
    rt = Regulation.__table__
    out: dict[str, list[str]] = defaultdict(list)
    for topic, short in conn.execute(sa.select(rt.c.topic, rt.c.short_name).order_by(rt.c.position)):
        out[topic].append(short)
    return {k: " · ".join(v) for k, v in out.items()}
