"""Participation fixtures: every app of these tests writes mail into the test's own folder
(never instance/mail), and English-speaking clients per world account."""
from __future__ import annotations

import pytest

from tests.participation.support import english


@pytest.fixture
def mail_folder(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def app(app_factory, mail_folder):
    # Interval 0: every page recounts its figures, so a test sees what it just did. The
    # stored figures' own behaviour is tested in test_participation_figures.py.
    return app_factory(MAIL_FOLDER=str(mail_folder), PARTICIPATION_REFRESH_SECONDS=0)


@pytest.fixture
def client_of(world, login_as):
    """A logged-in, English-speaking client per world account name, made on first use."""
    made = {}

    def get(name: str):
        if name not in made:
            made[name] = english(login_as(getattr(world, name)))
        return made[name]

    return get
