"""Gratification control (pengendalian gratifikasi): employees report gifts received, refused or
offered to the Gratification Control Unit (UPG), which passes them to the KPK within the
30 working days of UU 31/1999 jo. 20/2001 Pasal 12C ayat (2); and the guided check "Do I have
to report this?" with the exemption rules it applies, as dated data."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core import contributions, jobs
    from portal.core.roles import Role
    from portal.gratification import (
        attachments,
        check_views,
        checks,
        givers,
        oversight_views,
        privacy_notice,
        recommendations,
        reminders,
        rules,
        services,
        todo,
        upg,
        upg_views,
        views,
        yearly_report,
    )
    from portal.gratification.models import GiftAttachment

    app.register_blueprint(views.bp)
    app.register_blueprint(upg_views.bp)
    app.register_blueprint(check_views.bp)
    app.register_blueprint(oversight_views.bp)
    jobs.periodic(reminders.reminder_task)
    found = contributions.of(app)
    found.stored_files[attachments.AREA] = GiftAttachment.storage_key
    found.key_rotators.append(lambda: f"Re-wrapped {services.rotate_keys()} gratification report keys "
                                      "under the newest master key.")
    found.key_rotators.append(lambda: f"Recomputed {givers.recompute_all()} gratification giver digests "
                                      "under the newest master key.")
    found.seeders.append(lambda: f"gratification rules: {rules.load_rules()} new")
    # Administrators report no gifts (no employee record); they reach the rules from the setup checklist.
    # The UPG's officers are employees too: their own reports, then the unit's queue beside them.
    contributions.add_nav(app, "gratification.index", _l("Gratification"), roles=(Role.ASN, Role.UPG),
                          position=55)
    contributions.add_nav(app, "gratification_upg.index", _l("UPG"), roles=(Role.UPG,), position=56)
    contributions.add_todo(app, todo.todos)
    contributions.add_todo(app, todo.upg_todos)
    contributions.add_document_kind(app, upg.RECEIPT, _l("Receipt of a gratification report (tanda terima)"),
                                    numbered=True)
    contributions.add_document_kind(app, yearly_report.YEARLY_REPORT,
                                    _l("Yearly gratification control report (to the head of region)"), numbered=True)
    privacy_notice.register_notice(app)
    recommendations.register(app)  # the yearly evaluation's recommendations are followed up in portal/followup
    contributions.add_setup_check(app, "upg_deadline", _l("Deadline for reporting a gratification to the UPG"),
                                  checks.upg_deadline, position=80)
    contributions.add_setup_check(app, "gratification_retention", _l("How long gratification reports are kept"),
                                  checks.retention, position=82)
    contributions.add_setup_check(app, "gratification_rules", _l("Gratification: categories that need not be reported"),
                                  rules.setup_status, position=70)
