"""Fixtures: a fresh database per test (SQLite, and PostgreSQL when TEST_DATABASE_URL is set),
an app that yields outside its context (so a view that forgets to commit fails its test),
and factories that build data through the services."""
from __future__ import annotations

import os
import shutil
import uuid

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.web.ratelimit import limiter
from tests.helpers.accounts import PASSWORD, World, login, new_nip
from tests.helpers.config import BACKENDS, fresh_app, worker_database
from tests.helpers.pki import SigningPki
from tests.helpers.stored import S3_ENDPOINT, S3_SKIP_REASON, StorageBackend


@pytest.fixture(scope="session", params=BACKENDS)
def database(request, tmp_path_factory):
    """Per backend: the schema built once; each test gets it empty."""
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("db") / "template.db"
        app = fresh_app(f"sqlite:///{template}")
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        yield {"kind": "sqlite", "template": template}
    else:
        uri = worker_database(os.environ["TEST_DATABASE_URL"], os.environ.get("PYTEST_XDIST_WORKER"))
        app = fresh_app(uri)
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


@pytest.fixture(params=["local", "s3"])
def storage_backend(request, tmp_path):
    """Ask for this (or `@pytest.mark.usefixtures("storage_backend")`) and the test runs on both
    storage backends: the apps app_factory builds store their files in a fresh folder, or in a
    fresh bucket of the object store at TEST_S3_ENDPOINT (skipped when that is unset)."""
    if request.param == "s3" and not S3_ENDPOINT:
        pytest.skip(S3_SKIP_REASON)
    backend = StorageBackend(request.param, tmp_path)
    yield backend
    backend.cleanup()


@pytest.fixture
def app_factory(database, tmp_path, request):
    """Build an app on the test's own empty database, with extra config (and the storage
    backend of `storage_backend` when the test asks for that)."""
    made = []
    storage = request.getfixturevalue("storage_backend") if "storage_backend" in request.fixturenames else None

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
        if storage is not None and "STORAGE_DIR" not in extra:
            extra = {**storage.config(), **extra}
        extra.setdefault("STORAGE_DIR", str(tmp_path / "files"))
        app = fresh_app(uri, **extra)
        if database["kind"] == "postgresql" and not made:
            with app.app_context():
                _empty_postgres(app)
        if app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
            limiter.reset()
        # The limiter is one object for every app in the process, and init_app leaves its
        # "storage is down" flag as the last test left it: a test after one with an unreachable
        # Redis would start on the in-memory fallback, without the warning that switches to it.
        limiter._storage_dead = False
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

@pytest.fixture
def signing_pki(tmp_path):
    """A test CA (.ca, .roots: its PEM) and .signer(...): a PKCS#12 it issued, as app settings
    (app_factory(**signing_pki.signer())). Digital signature and non-repudiation key usages."""
    folder = tmp_path / "pki"
    folder.mkdir()
    return SigningPki(folder)
