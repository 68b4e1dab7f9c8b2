"""E-learning: modules per regulation, lessons, quizzes drawn from a question bank, results."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.core import contributions, jobs
    from portal.learning import analysis, cli, content, privacy_notice, todo, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.learning_cli)
    contributions.of(app).seeders.append(lambda: f"learning content: {content.load_content()}")
    contributions.add_todo(app, todo.todos)
    contributions.add_nav(app, "learning.index", _l("E-learning"), position=10)
    privacy_notice.register_notice(app)
    # The worker keeps the item analysis of each module's quiz fresh.
    jobs.periodic(analysis.refresh_due)
