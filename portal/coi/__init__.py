"""Conflicts of interest (in the first deployment, Perwako 27/2019): declarations, the superior's
decision, the register, the Inspectorate's oversight and yearly evaluation, and the lists they use."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.coi import (
        attachments,
        checks,
        cli,
        lists,
        oversight_views,
        privacy_notice,
        recommendations,
        services,
        todo,
        views,
    )
    from portal.coi.models import Attachment
    from portal.core import contributions

    app.register_blueprint(views.bp)
    app.register_blueprint(oversight_views.bp)
    app.cli.add_command(cli.send_reminders_command)
    found = contributions.of(app)
    found.stored_files[attachments.AREA] = Attachment.storage_key
    found.seeders.append(lambda: f"conflict-of-interest list entries: {lists.load_lists()} new")
    found.key_rotators.append(lambda: f"Re-wrapped {services.rotate_keys()} conflict-of-interest declaration keys "
                                      "under the newest master key.")
    contributions.add_todo(app, todo.todos)
    contributions.add_nav(app, "coi.index", _l("Conflicts of interest"), position=50)
    contributions.add_document_kind(app, "coi.evaluation", _l("Yearly evaluation of conflict-of-interest handling"),
                                    numbered=True)
    privacy_notice.register_notice(app)
    recommendations.register(app)  # its recommendations are followed up in portal/followup
    contributions.add_setup_check(app, "coi_types", _l("Types of conflict of interest"), checks.types, position=60)
    contributions.add_setup_check(app, "coi_decision_deadline", _l("Deadline for the superior's decision"),
                                  checks.decision_deadline, position=65)
