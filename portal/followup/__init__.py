"""Follow-up of evaluations' recommendations (menindaklanjuti hasil evaluasi): what an evaluation
asks an OPD to do, by when, who is responsible, and the report that it is done.

A recommendation belongs to a source: a kind that an area registers (sources.register, e.g. the
conflict-of-interest evaluation "coi.evaluation"), a key within it (an OPD's id, "city") and a
year. The source says who manages its recommendations and which page it came from; the rest
(the list, the to-do items, completion by the responsible OPD) is the same for every source."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core import contributions, jobs
    from portal.core.roles import Role
    from portal.followup import models, privacy_notice, reminders, services, views

    app.register_blueprint(views.bp)
    privacy_notice.register_notice(app)
    contributions.of(app).stored_files[services.AREA] = models.Recommendation.evidence_key
    contributions.add_todo(app, services.todos)
    # The worker tells the responsible people before a recommendation is due, and once it has passed.
    jobs.periodic(reminders.send_due)
    # The managers of the registered sources (CoI, WBS, gratification evaluations) have the menu entry;
    # responsible accounts that hold none of these roles reach their items from their to-do list.
    contributions.add_nav(app, "followup.index", _l("Follow-up"),
                          roles=(Role.COI_REVIEWER, Role.WBS_HANDLER, Role.UPG), position=55)
