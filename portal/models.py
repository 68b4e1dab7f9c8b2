"""Every area's models, imported once so metadata (create_all, Alembic) sees all tables."""
from portal.audit import AuditEvent, AuditHead  # noqa: F401
from portal.auth.models import User, UserRole  # noqa: F401
from portal.org.models import Employee, ImportBatch, Opd  # noqa: F401
from portal.home.models import Regulation  # noqa: F401
from portal.learning.models import Attempt, AttemptQuestion, Choice, Completion  # noqa: F401
from portal.learning.models import Lesson, LessonRead, Module, Question  # noqa: F401
from portal.settings import Setting  # noqa: F401
from portal.workdays import ExtraHoliday  # noqa: F401
from portal.wbs.models import Category, Evidence, Exclusion, IdentityRequest, Message, Note, Report  # noqa: F401
from portal.wbs.models import ReportEvent  # noqa: F401
from portal.coi.models import Attachment, Comment, Declaration, ListItem  # noqa: F401
from portal.socialisation.models import Participant, Photo, Session  # noqa: F401
from portal.certificates.models import Certificate, CertificateChange  # noqa: F401
from portal.jobs import Job  # noqa: F401
from portal.nonces import SubmissionNonce  # noqa: F401
from portal.participation.models import Reminder  # noqa: F401
