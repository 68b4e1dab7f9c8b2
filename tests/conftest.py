"""Fixtures: a fresh database per test (SQLite, and PostgreSQL when TEST_DATABASE_URL is set),
an app that yields outside its context (so a view that forgets to commit fails its test),
and factories that build data through the services."""
from __future__ import annotations

import os
import shutil
import uuid

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from portal.web.ratelimit import limiter

PASSWORD = "kata-sandi-uji-123"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
    "WTF_CSRF_ENABLED": False,
    "WBS_RECEIPT_PEPPER": "test-pepper",
    "DATA_KEYS": ["q4Z3VdQWm2jKJ0N5bC8m3l0kVfJjPq1m9uV8WkZ0y1A="],
    # Argon2 at its floor: the real cost is measured in bench/, not paid in every test.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
}


def _fresh_app(uri: str, **extra):
    config = dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI=uri)
    config.update(extra)
    return create_app(config)


@pytest.fixture(scope="session", params=BACKENDS)
def database(request, tmp_path_factory):
    """Per backend: the schema built once; each test gets it empty."""
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("db") / "template.db"
        app = _fresh_app(f"sqlite:///{template}")
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        yield {"kind": "sqlite", "template": template}
    else:
        uri = os.environ["TEST_DATABASE_URL"]
        app = _fresh_app(uri)
        with app.app_context():
            # The whole schema, not the models' tables: tables a migration renamed since the last
            # run would otherwise survive and hold foreign keys to the ones being dropped.
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            db.create_all()
            db.engine.dispose()
        yield {"kind": "postgresql", "uri": uri}


def _empty_postgres(app) -> None:
    # DELETE in reverse dependency order: on small tables about 15x faster than TRUNCATE.
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        # Ids start at 1 again, as on a fresh database.
        conn.execute(sa.text("SELECT setval(c.oid, 1, false) FROM pg_class c "
                             "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"))
        conn.execute(sa.text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 0, :h)"), {"h": "0" * 64})


@pytest.fixture
def app_factory(database, tmp_path):
    """Build an app on the test's own empty database, with extra config."""
    made = []

    def make(**extra):
        if database["kind"] == "sqlite":
            path = tmp_path / f"test-{len(made)}.db"
            if not made:
                shutil.copy(database["template"], path)
                uri = f"sqlite:///{path}"
            else:
                uri = made[0].config["SQLALCHEMY_DATABASE_URI"]
        else:
            uri = database["uri"]
        extra.setdefault("STORAGE_DIR", str(tmp_path / "files"))
        app = _fresh_app(uri, **extra)
        if database["kind"] == "postgresql" and not made:
            with app.app_context():
                _empty_postgres(app)
        if app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
            limiter.reset()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


# --- factories ------------------------------------------------------------------------------

_NIP_SEQ = iter(range(1, 10**6))


def new_nip(gender: str = "1", pppk: bool = False) -> str:
    n = next(_NIP_SEQ)
    birth = f"19{70 + n % 15:02d}{1 + n % 12:02d}{1 + n % 28:02d}"
    seq = f"{1 + n % 999:03d}"
    if pppk:
        return f"{birth}202321{gender}{seq}"
    return f"{birth}{2005 + n % 15}{1 + n % 12:02d}{gender}{seq}"


class World:
    """A small city: three OPDs and an account for every role. Ids only, so tests can use
    them outside the app context."""


@pytest.fixture
def make_opd(app):
    from portal.org import services
    from portal.org.models import OpdKind

    def make(code=None, name=None, kind=OpdKind.DINAS):
        code = code or f"OPD{uuid.uuid4().hex[:6].upper()}"
        with app.app_context():
            opd = services.save_opd(None, code=code, name=name or f"Dinas {code}", short_name=code, kind=kind,
                                    active=True, actor=None)
            db.session.commit()
            return opd.id

    return make


@pytest.fixture
def make_employee(app):
    from portal.auth.passwords import hash_password
    from portal.auth import services as auth_services
    from portal.org import services
    from portal.org.models import Employee, Opd
    from portal.core.roles import Role

    def make(opd_id, *, username=None, roles=(Role.ASN,), superior_id=None, head=False, name=None,
             position="Analis Kebijakan Ahli Muda", nip=None):
        with app.app_context():
            employee = services.save_employee(
                None, nip=nip or new_nip(), name=name or f"Pegawai {uuid.uuid4().hex[:5]}", position=position,
                opd=db.session.get(Opd, opd_id),
                superior=db.session.get(Employee, superior_id) if superior_id else None,
                is_opd_head=head, actor=None)
            user = employee.user
            user.username = username
            user.password_hash = hash_password(PASSWORD)
            auth_services.set_roles(user, set(roles), actor=None)
            db.session.commit()
            return {"employee_id": employee.id, "user_id": user.id, "nip": employee.nip, "login": username or employee.nip}

    return make


@pytest.fixture
def world(app, make_opd, make_employee):
    from portal.auth import services as auth_services
    from portal.org.models import OpdKind
    from portal.core.roles import Role

    w = World()
    w.inspektorat = make_opd("INSPEKTORAT", "Inspektorat", OpdKind.INSPECTORATE)
    w.dinkes = make_opd("DINKES", "Dinas Kesehatan")
    w.disdik = make_opd("DISDIKBUD", "Dinas Pendidikan dan Kebudayaan")
    w.inspektur = make_employee(w.inspektorat, username="inspektur", roles={Role.ASN, Role.COI_REVIEWER}, head=True)
    w.handler = make_employee(w.inspektorat, username="wbs.petugas", roles={Role.ASN, Role.WBS_HANDLER},
                              superior_id=w.inspektur["employee_id"])
    w.kadis = make_employee(w.dinkes, username="kadis.dinkes", head=True, position="Kepala Dinas Kesehatan")
    w.secretary = make_employee(w.dinkes, username="sekretaris.dinkes", roles={Role.ASN, Role.SECRETARY},
                                superior_id=w.kadis["employee_id"])
    w.asn = make_employee(w.dinkes, username="asn.dinkes", superior_id=w.kadis["employee_id"])
    w.secretary_disdik = make_employee(w.disdik, username="sekretaris.disdik", roles={Role.ASN, Role.SECRETARY})
    w.asn_disdik = make_employee(w.disdik, username="asn.disdik")
    with app.app_context():
        admin = auth_services.create_user(username="admin", password=PASSWORD, roles={Role.ADMIN})
        db.session.commit()
        w.admin = {"user_id": admin.id, "login": "admin", "employee_id": None}
    return w


def login(client, login_name: str, password: str = PASSWORD):
    response = client.post("/login", data={"login": login_name, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response


@pytest.fixture
def login_as(app):
    """A new client logged in as the given account (a dict from make_employee / world)."""

    def make(account):
        c = app.test_client()
        login(c, account["login"])
        return c

    return make


# --- area fixtures shared beyond their own folder (tests/ops uses them too) ------------------

@pytest.fixture
def wbs_app(app_factory):
    """An app with the WBS offence groups loaded and a cheap receipt hash."""
    from portal.wbs.content import load_categories

    app = app_factory(WBS_RECEIPT_SCRYPT_N=16)
    with app.app_context():
        load_categories()
        db.session.commit()
    return app


@pytest.fixture
def items(app):
    """(kind, code) -> id of every conflict-of-interest list entry, after loading the default lists."""
    from portal.coi import lists
    from portal.coi.models import ListKind

    with app.app_context():
        lists.load_lists()
        db.session.commit()
        return {(i.kind.value, i.code): i.id for k in ListKind for i in lists.items(k)}


# --- electronic signatures -------------------------------------------------------------------

class SigningPki:
    """A throwaway certification authority in a folder, and signing certificates it issues."""

    def __init__(self, folder):
        from datetime import UTC, datetime, timedelta

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        self.folder = folder
        self.now = datetime.now(UTC)
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA Uji Portal Integritas")])
        self.ca_cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                        .public_key(self.ca_key.public_key()).serial_number(x509.random_serial_number())
                        .not_valid_before(self.now - timedelta(days=1)).not_valid_after(self.now + timedelta(days=3650))
                        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                       critical=True)
                        .sign(self.ca_key, hashes.SHA256()))
        self.roots = folder / "ca.pem"
        self.roots.write_bytes(self.ca_cert.public_bytes(serialization.Encoding.PEM))

    @property
    def ca(self):
        """The CA certificate as pyHanko's validation context takes it."""
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives import serialization

        return asn1_x509.Certificate.load(self.ca_cert.public_bytes(serialization.Encoding.DER))

    def signer(self, *, name="Dr. Andi Saputra, S.E.", title="Inspektur", valid_from_days=-1, valid_days=365,
               non_repudiation=True, passphrase="rahasia-uji-123", file="signer.p12", fetch_url=None) -> dict:
        """A PKCS#12 with a signing certificate issued by the CA; returns the app settings for it.
        `fetch_url`: the certificate names it for its CRL, OCSP responder and issuer."""
        from datetime import timedelta

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import pkcs12
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
        if title:
            attributes.append(x509.NameAttribute(NameOID.TITLE, title))
        start = self.now + timedelta(days=valid_from_days)
        cert = (x509.CertificateBuilder().subject_name(x509.Name(attributes)).issuer_name(self.ca_cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(start + timedelta(days=valid_days))
                .add_extension(x509.KeyUsage(True, non_repudiation, False, False, False, False, False, False, False),
                               critical=True))
        if fetch_url:
            from cryptography.x509.oid import AuthorityInformationAccessOID

            where = x509.UniformResourceIdentifier(fetch_url)
            cert = cert.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint([where], None, None, None)]),
                                      critical=False).add_extension(x509.AuthorityInformationAccess([
                                          x509.AccessDescription(AuthorityInformationAccessOID.OCSP, where),
                                          x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS, where)]),
                                          critical=False)
        cert = cert.sign(self.ca_key, hashes.SHA256())
        path = self.folder / file
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            b"signer", key, cert, [self.ca_cert], serialization.BestAvailableEncryption(passphrase.encode())))
        return {"SIGNING_PKCS12": str(path), "SIGNING_PASSPHRASE": passphrase, "SIGNING_TRUST_ROOTS": str(self.roots)}


@pytest.fixture
def signing_pki(tmp_path):
    """A test CA (.ca, .roots: its PEM) and .signer(...): a PKCS#12 it issued, as app settings
    (app_factory(**signing_pki.signer())). Digital signature and non-repudiation key usages."""
    folder = tmp_path / "pki"
    folder.mkdir()
    return SigningPki(folder)
