"""Configuration: safe defaults, instance keys, and the production guard.

Order of precedence (last wins): DefaultConfig, instance/keys.json, instance/config.py,
PORTAL_* environment variables, DATABASE_URL / REDIS_URL, then a test config.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-only-not-secret"
# The government's names until configured: the first deployment's, kept with the default content.
_GOVERNMENT = json.loads((Path(__file__).resolve().parent / "content" / "government.json").read_text(encoding="utf-8"))


class DefaultConfig:
    # PORTAL_ENV=production turns on the guard in check_config().
    PORTAL_ENV = "development"
    SECRET_KEY = DEFAULT_SECRET

    SQLALCHEMY_DATABASE_URI = None  # set from instance path in create_app
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")

    # Sessions: hours, not Flask's 31 days (ASVS V7.3). The idle limit is checked per request.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    SESSION_IDLE_MINUTES = 30
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True in production (HTTPS)
    SESSION_COOKIE_NAME = "portal_session"
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # Single-use form nonces (portal/nonces.py): a form is accepted this long after it was
    # rendered (as its CSRF token); a repeat is shown the first sending's sealed result this long.
    SUBMISSION_NONCE_MAX_AGE = 8 * 3600
    SUBMISSION_RESULT_SECONDS = 300

    # Uploads: the largest single request (WBS evidence is checked per file in its area).
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_STRATEGY = "moving-window"
    # Redis away: count in each process's memory instead (per worker, weaker, never a 500).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Failed logins. Per account stops a guesser; per address is only a ceiling, high enough for
    # a hall of colleagues on one Wi-Fi (a socialisation session) to mistype and still get in.
    LOGIN_LIMIT_PER_CLIENT = "300 per 10 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "8 per 10 minutes"
    # TOTP multi-factor authentication: the role values that must use it (a tuple, or a
    # comma-separated string from the environment). None: nobody in development (the demo
    # logins work with the password alone), ADMIN, WBS_HANDLER and COI_REVIEWER in production.
    MFA_REQUIRED_ROLES = None
    # After a correct password, the code must follow within this many seconds.
    MFA_PENDING_SECONDS = 300
    MFA_ISSUER = "Portal Integritas"
    # Receipt look-ups: per (hashed) client and for everyone together.
    WBS_FOLLOWUP_LIMIT = "10 per hour"
    WBS_FOLLOWUP_GLOBAL_LIMIT = "600 per hour"
    WBS_REPORT_LIMIT = "20 per hour"
    # scrypt cost for receipt look-up keys: 2**14 x r=8 is 16 MiB and ~65 ms here. The code's
    # 100 random bits and the secret pepper carry the security; the cost slows bulk guessing.
    WBS_RECEIPT_SCRYPT_N = 2**14

    BOOTSTRAP_SERVE_LOCAL = True

    # Socialisation check-in: the QR code changes every this many seconds (the previous one
    # stays valid for one more slot); check-in opens this many minutes before the start.
    SESSION_QR_ROTATE_SECONDS = 20
    SESSION_CHECKIN_OPENS_MINUTES = 30
    # Typed check-in codes: per person (they are logged in), and a ceiling per address that a
    # whole room checking in at once stays under.
    CHECKIN_CODE_LIMIT = "10 per minute"
    CHECKIN_CODE_LIMIT_PER_CLIENT = "600 per minute"
    # Certificate verification, per (hashed) client.
    VERIFY_LIMIT = "30 per minute"
    # Downloads of one's own data (/akun/data-saya), per account: each builds a PDF.
    MY_DATA_DOWNLOAD_LIMIT = "5 per hour"
    # The portal's public address: every absolute address it writes (certificates and their QR
    # codes, the check-in QR, e-mails, exports, the WBS receipt) comes from it, never from the
    # request's Host header. Required in production; in development http://127.0.0.1:$PORT.
    PUBLIC_BASE_URL = ""
    # Host names requests may carry (Flask refuses others with 400): the public address's host,
    # plus these (comma-separated: a load balancer's health-check name, say); in development
    # also localhost and 127.0.0.1.
    EXTRA_TRUSTED_HOSTS: tuple = ()
    DEVICE_COOKIE_NAME = "portal_device"
    # The participation dashboards read figures the job worker recounts this often (seconds);
    # a page that finds them three intervals old recounts them itself.
    PARTICIPATION_REFRESH_SECONDS = 300
    # The item analysis of each module (learning/analysis.py) is recounted by the worker this
    # often; item figures move slowly, and a page finding them three intervals old recounts them.
    LEARNING_ANALYSIS_REFRESH_SECONDS = 3600
    # Each background job runs in a forked child: stopped after this many seconds, and limited to
    # this much address space above the worker's own (0: no limit). portal/jobs.py, decisions.md.
    JOB_TIMEOUT_SECONDS = 600
    JOB_MEMORY_MB = 1024
    JOB_ISOLATION = True  # False runs jobs in the worker itself, unbounded (debugging only)

    # Number of reverse proxies in front of the app (nginx = 1); 0 trusts no forwarded header.
    PROXY_FIX_X_FOR = 0

    # Where uploaded files live (outside static/, served only through authorised views):
    # "local", the folder STORAGE_DIR (instance/files), or "s3", an S3-compatible object store
    # shared by several web nodes (objects named <S3_PREFIX><area>/<key>; docs/decisions.md).
    STORAGE_BACKEND = "local"
    STORAGE_DIR = None
    S3_ENDPOINT_URL = ""
    S3_BUCKET = ""
    S3_ACCESS_KEY_ID = ""
    S3_SECRET_ACCESS_KEY = ""
    S3_REGION = "us-east-1"
    S3_PREFIX = ""

    # Virus scanning of every upload by a ClamAV daemon (clamd), off while both are empty: the
    # Unix socket (Debian: /run/clamav/clamd.ctl) or a "host:port" TCP address; the socket wins
    # when both are set. When set and clamd cannot answer, uploads are refused (fail closed).
    CLAMD_SOCKET = ""
    CLAMD_ADDRESS = ""
    CLAMD_TIMEOUT = 10  # seconds per connect, send or answer; a WBS report holds up to 5 files

    # Electronic signatures (PAdES) on every official PDF: the signing official's certificate and
    # key as a PKCS#12 file (from the government's PSrE, BSrE) and its passphrase, from the
    # environment or instance/config.py, never from the database. Empty: PDFs are not signed
    # (instance/signing.p12 is used when that file exists). Set but unusable (missing file, wrong
    # passphrase, expired): official PDFs are refused, never made unsigned (portal/core/signing.py).
    SIGNING_PKCS12 = ""
    SIGNING_PASSPHRASE = ""
    # A PEM file of the certification authorities (BSrE's chain) whose signatures the public
    # verification page calls trusted; empty: a signature can be intact but never trusted.
    SIGNING_TRUST_ROOTS = ""

    # Shown on certificates, documents and the footer. The defaults are the first deployment's
    # (portal/content/government.json): every other government sets its own.
    GOVERNMENT_NAME = _GOVERNMENT["government_name"]
    INSPECTORATE_NAME = _GOVERNMENT["inspectorate_name"]

    # Argon2id parameters (argon2-cffi defaults: m=64 MiB, t=3, p=4). Tests lower them.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    # Encryption keys for data at rest: newest first. Filled from instance/keys.json or env.
    DATA_KEYS: list[str] = []
    WBS_RECEIPT_PEPPER = None


def new_keys() -> dict:
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "WBS_RECEIPT_PEPPER": secrets.token_urlsafe(32),
        # 32-byte keys, urlsafe base64: the format Fernet and AES-256-GCM both accept.
        "DATA_KEYS": [base64.urlsafe_b64encode(os.urandom(32)).decode()],
    }


def load_or_create_instance_keys(instance_path: Path, create: bool) -> dict:
    """Read instance/keys.json; create it (0600) on first run outside production.

    Several workers may start at once: O_EXCL makes exactly one of them the writer.
    """
    path = instance_path / "keys.json"
    if not path.exists():
        if not create:
            return {}
        instance_path.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                json.dump(new_keys(), fh, indent=2)
    for _ in range(50):
        text = path.read_text()
        if text.strip():
            return json.loads(text)
        import time

        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty")


def apply_environment(config) -> None:
    """The two conventional URLs without the PORTAL_ prefix, as hosting platforms set them."""
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"]
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        config["SQLALCHEMY_DATABASE_URI"] = url
    if os.environ.get("REDIS_URL"):
        config["REDIS_URL"] = os.environ["REDIS_URL"]
        config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    # REDIS_URL given as PORTAL_REDIS_URL or in instance/config.py passes the production guard
    # too: the limits must then be counted there as well, not per worker in memory.
    if config.get("REDIS_URL") and config.get("RATELIMIT_STORAGE_URI") == "memory://":
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
    # from_prefixed_env("PORTAL") stores PORTAL_ENV as "ENV", which would leave the production
    # guard and secure cookies off; the documented variable is read under its own name here.
    if os.environ.get("PORTAL_ENV"):
        config["PORTAL_ENV"] = os.environ["PORTAL_ENV"]
    # Read as typed: from_prefixed_env would parse them as JSON (a passphrase of digits would
    # become a number, "null" nothing at all).
    for name in ("SIGNING_PKCS12", "SIGNING_PASSPHRASE", "SIGNING_TRUST_ROOTS", "STORAGE_BACKEND", "S3_ENDPOINT_URL",
                 "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION", "S3_PREFIX"):
        if f"PORTAL_{name}" in os.environ:
            config[name] = os.environ[f"PORTAL_{name}"]
    if isinstance(config.get("DATA_KEYS"), str):
        config["DATA_KEYS"] = [k.strip() for k in config["DATA_KEYS"].split(",") if k.strip()]


# The roles that must use MFA in production unless MFA_REQUIRED_ROLES says otherwise (ASVS V6.3.3).
PRODUCTION_MFA_ROLES = ("admin", "wbs_handler", "coi_reviewer")


class ConfigError(RuntimeError):
    pass


def resolve_mfa_roles(config) -> None:
    """MFA_REQUIRED_ROLES as a tuple of known role values, defaulting by PORTAL_ENV."""
    from portal.core.roles import Role

    value = config.get("MFA_REQUIRED_ROLES")
    if value is None:
        value = PRODUCTION_MFA_ROLES if config.get("PORTAL_ENV") == "production" else ()
    if isinstance(value, str):
        value = [v for v in value.replace(" ", ",").split(",") if v]
    roles = tuple(str(getattr(v, "value", v)).strip().lower() for v in value)
    unknown = set(roles) - {r.value for r in Role}
    if unknown:
        raise ConfigError(f"MFA_REQUIRED_ROLES: unknown roles {sorted(unknown)}")
    config["MFA_REQUIRED_ROLES"] = roles


def resolve_public_address(config) -> None:
    """PUBLIC_BASE_URL without a trailing slash (http://127.0.0.1:$PORT in development), and
    TRUSTED_HOSTS from it, so no address the portal writes can come from a Host header."""
    from urllib.parse import urlsplit

    base = (config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    production = config.get("PORTAL_ENV") == "production"
    if not base and not production:
        base = f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    parts = urlsplit(base)
    if base and (parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query):
        raise ConfigError(f"PUBLIC_BASE_URL must be an address like https://integritas.example.go.id, not {base!r}")
    config["PUBLIC_BASE_URL"] = base
    extra = config.get("EXTRA_TRUSTED_HOSTS") or ()
    if isinstance(extra, str):
        extra = [h for h in extra.replace(" ", ",").split(",") if h]
    hosts = [parts.hostname] if parts.hostname else []
    if not production:
        hosts += ["localhost", "127.0.0.1"]
    config["TRUSTED_HOSTS"] = list(dict.fromkeys([*hosts, *extra]))


def storage_problems(config) -> list[str]:
    """What keeps the configured storage backend from working (checked in every environment)."""
    from urllib.parse import urlsplit

    kind = str(config.get("STORAGE_BACKEND") or "local").strip().lower()
    config["STORAGE_BACKEND"] = kind
    if kind == "local":
        return []
    if kind != "s3":
        return [f"STORAGE_BACKEND must be 'local' or 's3', not {kind!r}"]
    problems = []
    endpoint = (config.get("S3_ENDPOINT_URL") or "").strip()
    parts = urlsplit(endpoint)
    if not endpoint or parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append("S3_ENDPOINT_URL must be the object store's http(s):// address when STORAGE_BACKEND is 's3'")
    if not config.get("S3_BUCKET"):
        problems.append("S3_BUCKET is missing (STORAGE_BACKEND is 's3')")
    prefix = config.get("S3_PREFIX") or ""
    if prefix and (not prefix.endswith("/") or prefix.startswith("/") or ".." in prefix.split("/")):
        problems.append("S3_PREFIX must be empty or a path like 'portal/' (ending in '/')")
    if config.get("PORTAL_ENV") == "production" and not (config.get("S3_ACCESS_KEY_ID")
                                                         and config.get("S3_SECRET_ACCESS_KEY")):
        problems.append("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are missing (the bucket must not be open to anyone)")
    return problems


def check_config(config) -> None:
    """Refuse to start with a storage backend that cannot work, and in production with a
    default or missing secret, key or URL."""
    storage = storage_problems(config)
    if storage and config.get("PORTAL_ENV") != "production":
        raise ConfigError("Refusing to start: " + "; ".join(storage))
    if config.get("PORTAL_ENV") != "production":
        return
    problems = list(storage)
    if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEFAULT_SECRET or len(config["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY is missing, default or shorter than 32 characters")
    if not config.get("WBS_RECEIPT_PEPPER"):
        problems.append("WBS_RECEIPT_PEPPER is missing")
    if not config.get("DATA_KEYS"):
        problems.append("DATA_KEYS is missing")
    uri = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if not uri.startswith("postgresql"):
        problems.append("DATABASE_URL must point to PostgreSQL")
    if not config.get("REDIS_URL"):
        problems.append("REDIS_URL is missing (the rate limits of all workers are shared through Redis)")
    if config.get("DEBUG"):
        problems.append("DEBUG must be off")
    if not (config.get("PUBLIC_BASE_URL") or "").startswith("https://"):
        problems.append("PUBLIC_BASE_URL must be the portal's https:// address (it is printed on certificates)")
    if problems:
        raise ConfigError("Refusing to start in production: " + "; ".join(problems))
