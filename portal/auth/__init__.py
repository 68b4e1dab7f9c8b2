"""Accounts: login by NIP or username, two-step verification, sessions, passwords, language."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.auth import cli, mfa, sessions, views
    from portal.core import contributions
    from portal.extensions import login_manager

    login_manager.user_loader(sessions.load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    app.register_blueprint(views.bp)
    app.before_request(sessions.enforce_timeouts)
    app.before_request(sessions.password_change_gate)
    app.before_request(sessions.mfa_gate)
    app.after_request(sessions.remember_locale)
    app.cli.add_command(cli.create_admin_command)
    contributions.of(app).key_rotators.append(
        lambda: f"Re-sealed {mfa.rotate_keys()} MFA secrets under the newest master key.")
