"""Every area's models, imported once so metadata (create_all, Alembic) sees all tables."""
from portal.audit import AuditEvent, AuditHead  # noqa: F401
from portal.auth.models import User, UserRole  # noqa: F401
from portal.org.models import Employee, ImportBatch, Opd  # noqa: F401
from portal.home.models import Regulation  # noqa: F401
