"""Padang's OPDs (padang.md §1.2), a few hundred employees with valid NIPs, and the demo logins."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from portal.auth import services as auth_services
from portal.auth.models import User
from portal.auth.passwords import hash_password
from portal.core.roles import Role
from portal.extensions import db
from portal.org import services as org_services
from portal.org.models import Employee, OpdKind

DATA = Path(__file__).parent / "data"
DEMO_PASSWORD = "integritas-2019"

MALE = ["Andi", "Budi", "Rahmat", "Fauzan", "Hendra", "Irwan", "Joni", "Rizal", "Syafrizal", "Yusuf", "Zulkifli",
        "Afrizal", "Dedi", "Fikri", "Gusrizal", "Hafiz", "Ilham", "Mardianto", "Novrizal", "Ridwan", "Taufik",
        "Wahyu", "Yudi", "Arif", "Erwin"]
FEMALE = ["Ayu", "Dewi", "Fitri", "Hayati", "Indah", "Lestari", "Mairita", "Nurhayati", "Putri", "Rahmi", "Rina",
          "Sari", "Vivi", "Yulia", "Zahara", "Desi", "Elvira", "Gusnawati", "Irma", "Novia", "Sri", "Yelni",
          "Rosmaini", "Welli", "Annisa"]
FAMILY = ["Saputra", "Putra", "Syahputra", "Hidayat", "Rahman", "Amir", "Yunus", "Chaniago", "Tanjung",
          "Piliang", "Koto", "Sikumbang", "Caniago", "Jambak", "Malik", "Nasution", "Harahap", "Lubis",
          "Pratama", "Wijaya", "Kurniawan", "Sutan", "Marajo", "Rangkuti", "Siregar", "Effendi"]
STAFF_TITLES = ["Analis Kebijakan Ahli Muda", "Perencana Ahli Pertama", "Pranata Komputer Ahli Pertama",
                "Analis SDM Aparatur Ahli Muda", "Arsiparis Terampil", "Penata Layanan Operasional",
                "Pengadministrasi Perkantoran", "Pengelola Layanan Operasional", "Analis Keuangan Pusat dan Daerah"]

# (username, OPD code, position, roles, is head, superior username)
LOGINS = [
    ("inspektur", "INSPEKTORAT", "Inspektur", {Role.ASN, Role.COI_REVIEWER}, True, None),
    ("wbs.petugas", "INSPEKTORAT", "Auditor Ahli Muda", {Role.ASN, Role.WBS_HANDLER}, False, "inspektur"),
    ("upg.inspektorat", "INSPEKTORAT", "Auditor Ahli Pertama", {Role.ASN, Role.UPG}, False, "inspektur"),
    ("kadis.dinkes", "DINKES", "Kepala Dinas Kesehatan", {Role.ASN}, True, None),
    ("sekretaris.dinkes", "DINKES", "Sekretaris Dinas Kesehatan", {Role.ASN, Role.SECRETARY}, False,
     "kadis.dinkes"),
    ("asn.dinkes", "DINKES", "Analis Kebijakan Ahli Muda", {Role.ASN}, False, "kadis.dinkes"),
    ("kadis.disdik", "DISDIKBUD", "Kepala Dinas Pendidikan dan Kebudayaan", {Role.ASN}, True, None),
    ("sekretaris.disdik", "DISDIKBUD", "Sekretaris Dinas Pendidikan dan Kebudayaan", {Role.ASN, Role.SECRETARY},
     False, "kadis.disdik"),
    ("asn.disdik", "DISDIKBUD", "Guru Ahli Pertama", {Role.ASN}, False, "kadis.disdik"),
]
NAMED = {
    "inspektur": "Arfian", "wbs.petugas": "Rina Marlina", "upg.inspektorat": "Dedi Kurniawan",
    "kadis.dinkes": "dr. Srikurnia Yati",
    "sekretaris.dinkes": "Hendra Saputra, S.KM", "asn.dinkes": "Fitri Handayani, S.Kep",
    "kadis.disdik": "Yopi Krislova", "sekretaris.disdik": "Nurhayati, S.Pd, M.Pd", "asn.disdik": "Andi Pratama, S.Pd",
}


def _nip(rng, used: set[str], gender: str, pppk: bool = False) -> str:
    while True:
        birth = date(rng.randint(1966, 1998), rng.randint(1, 12), rng.randint(1, 28))
        g = "1" if gender == "L" else "2"
        if pppk:
            year = rng.randint(max(2021, birth.year + 22), 2025)
            value = f"{birth:%Y%m%d}{year}21{g}{rng.randint(1, 999):03d}"
        else:
            year = min(birth.year + rng.randint(22, 32), 2024)
            value = f"{birth:%Y%m%d}{year}{rng.randint(1, 12):02d}{g}{rng.randint(1, 999):03d}"
        if value not in used:
            used.add(value)
            return value


def _name(rng, gender: str) -> str:
    first = rng.choice(MALE if gender == "L" else FEMALE)
    return f"{first} {rng.choice(FAMILY)}"


def load_opds(echo) -> dict:
    opds = {}
    created = 0
    with open(DATA / "opds.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            opd = org_services.get_opd_by_code(row["code"])
            if opd is None:
                opd = org_services.save_opd(None, code=row["code"], name=row["name"], short_name=row["short_name"],
                                            kind=OpdKind(row["kind"]), active=True, actor=None)
                created += 1
            opds[row["code"]] = opd
    echo(f"OPDs: {created} created, {len(opds) - created} already present")
    return opds


def _employee(rng, used, opd, position, superior, *, head=False, gender=None, name=None, pppk=False):
    gender = gender or rng.choice("LP")
    return org_services.save_employee(None, nip=_nip(rng, used, gender, pppk), name=name or _name(rng, gender),
                                      position=position, opd=opd, superior=superior, is_opd_head=head,
                                      email=None, actor=None)


def load_people(rng, opds: dict, echo) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Employee)) > 0:
        echo("Employees: already present")
        return
    used: set[str] = set()
    by_username = {}
    for username, code, position, roles, head, sup in LOGINS:
        superior = by_username[sup].employee if sup else None
        employee = _employee(rng, used, opds[code], position, superior, head=head, name=NAMED[username])
        user = employee.user
        user.username = username
        auth_services.set_roles(user, roles, actor=None)
        user.password_hash = hash_password(DEMO_PASSWORD)
        by_username[username] = user
    count = 0
    for code, opd in opds.items():
        heads = [u.employee for u in by_username.values() if u.employee and u.employee.opd is opd and
                 u.employee.is_opd_head]
        head = heads[0] if heads else _employee(rng, used, opd, _head_title(opd), None, head=True)
        big = code in ("DINKES", "DISDIKBUD", "RSUD-RASIDIN")
        kabids = [_employee(rng, used, opd, f"Kepala Bidang {i + 1}", head) for i in range(3 if big else 1)]
        for i in range(rng.randint(22, 30) if big else rng.randint(4, 7)):
            title = ("Guru Ahli Pertama" if code == "DISDIKBUD" else
                     "Perawat Terampil" if code in ("DINKES", "RSUD-RASIDIN") and i % 2 else rng.choice(STAFF_TITLES))
            _employee(rng, used, opd, title, rng.choice(kabids), pppk=rng.random() < 0.3)
            count += 1
        count += 1 + len(kabids)
    echo(f"Employees: {count + len(LOGINS)} created; demo logins: "
         + ", ".join(["admin", *sorted(by_username)]) + f" (password {DEMO_PASSWORD})")


def _head_title(opd) -> str:
    if opd.kind == OpdKind.KECAMATAN:
        return "Camat"
    if opd.kind == OpdKind.HOSPITAL:
        return "Direktur"
    if opd.kind == OpdKind.SECRETARIAT and opd.code == "SETDA":
        return "Sekretaris Daerah"
    if opd.kind == OpdKind.SECRETARIAT:
        return "Sekretaris DPRD"
    return f"Kepala {opd.name.split(' ', 1)[0]}"


def load(rng, echo) -> None:
    opds = load_opds(echo)
    load_people(rng, opds, echo)
    if db.session.scalar(sa.select(User).where(User.username == "admin")) is None:
        auth_services.create_user(username="admin", password=DEMO_PASSWORD, roles={Role.ADMIN})
