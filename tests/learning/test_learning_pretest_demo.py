"""The demo data switches the pre-test on and gives the learning-gain tables something to show."""
from __future__ import annotations

import sqlalchemy as sa

from portal.auth.models import User
from portal.extensions import db
from portal.learning.models import Module


def test_demo_pretests_are_below_the_first_quiz(app, runner):
    from portal.learning import gain, pretest

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        modules = list(db.session.scalars(sa.select(Module)))
        assert all(m.pretest_size == 10 for m in modules)
        figures = gain.by_module()
        assert set(figures) == {m.id for m in modules}
        for g in figures.values():
            assert g.shown and g.avg_pre < g.avg_post and 0.2 < g.g < 0.9, g
        assert sum(g.shown for g in gain.by_opd().values()) >= 5
        dinkes = db.session.scalar(sa.select(User.employee_id).where(User.username == "asn.dinkes"))
        gratification = db.session.scalar(sa.select(Module).where(Module.slug == "gratifikasi"))
        assert pretest.is_due(dinkes, gratification)  # a pre-test to take in `make run`
