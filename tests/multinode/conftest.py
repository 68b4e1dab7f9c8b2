"""The two-node cluster, started once for tests/multinode (see cluster_support.py).

Needs PostgreSQL (TEST_DATABASE_URL), Redis on 127.0.0.1:6379 and an S3 object store
(TEST_S3_ENDPOINT, TEST_S3_ACCESS_KEY, TEST_S3_SECRET_KEY: `.ci/run` and `make test` start
SeaweedFS); without any of them every test here is skipped, saying which is missing.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.multinode import cluster_support as cs

MULTINODE_DIR = Path(__file__).resolve().parent
REDIS_URL = os.environ.get("TEST_MULTINODE_REDIS_URL", "redis://127.0.0.1:6379/12")  # no other test uses 12


def pytest_collection_modifyitems(config, items):
    """Every test here is a multinode test, and all of them go to one pytest-xdist worker
    (`make test` runs `--dist loadgroup`): each worker would otherwise start a cluster of its own."""
    for item in items:
        if MULTINODE_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.multinode)
            item.add_marker(pytest.mark.xdist_group("multinode"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.multinode_failed = report.failed


def _missing() -> str | None:
    if not os.environ.get("TEST_DATABASE_URL"):
        return "no PostgreSQL (TEST_DATABASE_URL): two nodes share one database server"
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        return f"no Redis at {REDIS_URL}: two nodes share their rate limits through it"
    if not os.environ.get("TEST_S3_ENDPOINT"):
        return "no object store (TEST_S3_ENDPOINT): two nodes share their stored files through it"
    return None


def _database(name: str) -> str:
    """A fresh database beside TEST_DATABASE_URL's (<name>_multinode..., per pytest-xdist worker),
    dropped first if a killed run left it."""
    import sqlalchemy as sa

    url = sa.engine.make_url(os.environ["TEST_DATABASE_URL"])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = url.set(database=f"{url.database}_{name}" + (f"_{worker}" if worker else ""))
    maintenance = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    finally:
        maintenance.dispose()
    return url.render_as_string(hide_password=False)


def _drop_database(uri: str) -> None:
    import sqlalchemy as sa

    url = sa.engine.make_url(uri)
    maintenance = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        maintenance.dispose()


class ObjectStore:
    """The test's storage spaces on TEST_S3_ENDPOINT: fresh prefixes of the suite's test bucket
    (tests/helpers/stored.py: a bucket each would cost SeaweedFS a set of volumes each), every
    object under them removed at the end."""

    def __init__(self):
        from tests.helpers.stored import BUCKET, S3_ACCESS_KEY, S3_ENDPOINT, S3_SECRET_KEY, s3_client

        self.endpoint, self.access_key, self.secret_key = S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY
        self.bucket = BUCKET
        self.client = s3_client()
        try:
            self.client.create_bucket(Bucket=BUCKET)
        except (self.client.exceptions.BucketAlreadyOwnedByYou, self.client.exceptions.BucketAlreadyExists):
            pass
        self.spaces: list[str] = []

    def new_space(self, run_id: str, purpose: str) -> str:
        """An empty place for one deployment's files: the prefix its nodes are given."""
        self.spaces.append(f"multinode-{run_id}/{purpose}/")
        return self.spaces[-1]

    def environment(self, space: str) -> dict:
        return {"PORTAL_STORAGE_BACKEND": "s3", "PORTAL_S3_ENDPOINT_URL": self.endpoint,
                "PORTAL_S3_BUCKET": self.bucket, "PORTAL_S3_ACCESS_KEY_ID": self.access_key,
                "PORTAL_S3_SECRET_ACCESS_KEY": self.secret_key, "PORTAL_S3_REGION": "us-east-1",
                "PORTAL_S3_PREFIX": space}

    def keys(self, space: str) -> list[str]:
        """The stored names ("<area>/<key>") under a space."""
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=space):
            found += [o["Key"][len(space):] for o in page.get("Contents", [])]
        return found

    def get(self, space: str, name: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=space + name)["Body"].read()

    def remove_all(self) -> None:
        for space in self.spaces:
            try:
                for name in self.keys(space):
                    self.client.delete_object(Bucket=self.bucket, Key=space + name)
            except Exception as exc:  # a leftover object must not hide the test's own result
                print(f"could not empty {self.bucket}/{space}: {exc!r}", file=sys.stderr)


@pytest.fixture(scope="session")
def object_store():
    reason = _missing()
    if reason:
        pytest.skip(reason)
    store = ObjectStore()
    yield store
    store.remove_all()


@pytest.fixture(scope="session")
def cluster(object_store, tmp_path_factory):
    import redis

    run_id = cs.new_run_id()
    tmp = tmp_path_factory.mktemp("multinode")
    keys = cs.shared_keys()
    database_url = _database("multinode")
    space = object_store.new_space(run_id, "files")
    prefix = f"multinode-{run_id}"
    common = dict(cs.base_environment(), **keys, **object_store.environment(space),
                  PORTAL_ENV="development", DATABASE_URL=database_url, REDIS_URL=REDIS_URL,
                  PORTAL_RATELIMIT_KEY_PREFIX=prefix,
                  # Behind a load balancer: the client address comes from X-Forwarded-For.
                  PORTAL_PROXY_FIX_X_FOR="1")
    nodes = []
    for name in ("node-a", "node-b"):
        instance = tmp / name / "instance"
        instance.mkdir(parents=True)
        nodes.append(cs.Node(name, dict(common, PORTAL_INSTANCE_PATH=str(instance)), instance))
    a, b = nodes
    processes: list[cs.Process] = []
    try:
        cs.flask(a.env, "db", "upgrade")
        cs.run([sys.executable, "-c", cs.SEED], a.env, timeout=600)
        a.start(tmp)
        b.start(tmp)
        worker = cs.spawn("worker-b", [sys.executable, "-m", "flask", "--app", "portal", "worker"], b.env,
                          tmp / "worker-b.log")
        processes = [a.process, b.process, worker]
        a.wait_ready()
        b.wait_ready()
        assert worker.proc.poll() is None, worker.text()
        yield cs.Cluster(a=a, b=b, worker=worker, database_url=database_url, redis_url=REDIS_URL,
                         storage={"space": space, "store": object_store}, keys=keys, tmp=tmp,
                         extra={"prefix": prefix, "run_id": run_id})
    finally:
        for process in processes or [n.process for n in nodes if n.process]:
            process.stop()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        _drop_database(database_url)


@pytest.fixture
def nodes(cluster, request):
    """The cluster, and its processes' logs printed when the test fails."""
    yield cluster
    if getattr(request.node, "multinode_failed", False):
        print(cluster.logs())


@pytest.fixture
def fresh_database():
    """Another empty database, for restoring into; dropped afterwards."""
    made = []

    def make(name: str) -> str:
        made.append(_database(name))
        return made[-1]

    yield make
    for uri in made:
        _drop_database(uri)
