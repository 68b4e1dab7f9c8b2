"""Demo data for Padang: `flask --app portal demo`. Idempotent: running it twice adds nothing.

Each area adds its own module here and a line in run(); all of them go through the areas'
services, so the demo exercises the same code paths as real use.
"""
from __future__ import annotations

import random


def run(echo=print) -> None:
    from portal.demo import coi, documents, followup, gratification, learning, org, privacy, sessions, wbs, zi
    from portal.home.services import load_regulations

    rng = random.Random(2019)
    echo(f"Regulations and the articles the portal relies on: {load_regulations()} created")
    org.load(rng, echo)
    documents.load(echo)
    wbs.load(rng, echo)
    coi.load(rng, echo)
    gratification.load(echo)
    learning.load(rng, echo)
    sessions.load(rng, echo)
    privacy.load(rng, echo)
    followup.load(rng, echo)
    zi.load(echo)
