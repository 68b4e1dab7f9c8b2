"""gunicorn settings for `make run` and production (override with GUNICORN_CMD_ARGS).

The access log deliberately has no client address, user agent or referrer: the WBS
promises reporters that none is kept, and the same format serves every route. Requests to
/wbs are not logged at all (their times alone could place a reporter).
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # sync workers measured faster (docs/performance.md)
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# time, method + path (no query string), status, bytes, duration in ms
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")



def when_ready(server):
    """Say where to open the portal once it answers: gunicorn's own log hides the address (the
    filter below removes addresses), and a newcomer running `make run` needs it. Outside
    production the demo logins are named too."""
    host, _, port = bind.rpartition(":")
    # "localhost", not the loopback number: the log filter's promise is that no address is printed.
    host = "localhost" if host in ("", "127.0.0.1", "0.0.0.0") else host
    lines = [f"Portal Integritas is ready: open http://{host}:{port}/"]
    if os.environ.get("PORTAL_ENV", "development") != "production":
        try:
            from portal.demo.org import DEMO_PASSWORD, LOGINS
        except ImportError:  # pragma: no cover - an installation without the demo package
            pass
        else:
            names = ["admin", *(login for login, *_ in LOGINS)]
            lines.append(f"Demo logins (password {DEMO_PASSWORD}): " + ", ".join(names))
    print("\n".join(lines), flush=True)


# Every gunicorn log line passes through a filter that removes IP addresses.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_addresses": {"()": "portal.web.logfilters.RedactAddresses"},
                "no_wbs": {"()": "portal.web.logfilters.DropWbsRequests"}},
    "formatters": {"plain": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_addresses", "no_wbs"],
                    "stream": "ext://sys.stdout"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_addresses"],
                          "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        # One line per layout step and per font subset would drown a certificate run.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
}
