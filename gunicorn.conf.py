"""gunicorn settings for `make run` and production (override with GUNICORN_CMD_ARGS).

The access log deliberately has no client address, user agent or referrer: the WBS
promises reporters that none is kept, and the same format serves every route.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# time, method + path (no query string), status, bytes, duration in ms
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
