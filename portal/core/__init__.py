"""Infrastructure without a request and without an area: time, types, errors, signals,
encryption, files, uploads, PDFs, mail, audit, settings, working days and jobs.

Nothing here imports `portal.web`, `portal.ops` or an area (tests/test_layers.py).
"""
