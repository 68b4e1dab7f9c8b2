"""`/verifikasi` and `/verifikasi/<code>` (DESIGN.md §5): the address printed under every
certificate's QR code. Public, rate-limited, and showing nothing personal beyond the holder's
name, masked NIP and OPD."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

from portal.certificates import services
from portal.certificates.forms import FileCheckForm, VerifyForm
from portal.core import signature_check, signing, uploads
from portal.org.nip import mask
from portal.web.ratelimit import client_key, limiter

bp = Blueprint("verify", __name__, url_prefix="/verifikasi")
PDF_MAX_BYTES = 20 * 1024 * 1024


def _limit():
    return current_app.config["VERIFY_LIMIT"]


def _file_result(cert, upload):
    """Two independent answers about an uploaded PDF: is it the file issued under this code (its
    SHA-256), and does it carry an intact, trusted electronic signature. (None, None) without one."""
    if cert is None or not upload or not upload.filename:
        return None, None
    data = upload.read(PDF_MAX_BYTES + 1)
    if len(data) > PDF_MAX_BYTES:
        return ("too_large", None), None
    try:
        # Hashed and its signatures read, never stored; scanned all the same, so "every upload
        # is scanned" holds without exceptions to remember.
        uploads.scan(data, "certificate-check")
    except uploads.UploadError as exc:
        return ("refused", exc.message), None
    return services.check_file(cert, data), signature_check.check(data)


@bp.route("", methods=["GET", "POST"])
@limiter.limit(_limit, key_func=client_key)
def form():
    form = VerifyForm()
    if form.validate_on_submit():
        cert = services.find(form.code.data)
        if cert is not None and not (form.pdf.data and form.pdf.data.filename):
            return redirect(url_for("verify.certificate", code=cert.code))
        return _result(cert, form.code.data, *_file_result(cert, form.pdf.data), status=200 if cert else 404)
    return render_template("certificates/verify_form.html", form=form), 400 if form.errors else 200


@bp.route("/<code>", methods=["GET", "POST"])
@limiter.limit(_limit, key_func=client_key)
def certificate(code: str):
    code = code[:40]
    cert = services.find(code)
    form = FileCheckForm()
    file_result, signature = _file_result(cert, form.pdf.data) if form.validate_on_submit() else (None, None)
    return _result(cert, code, file_result, signature, form=form, status=200 if cert else 404)


def _result(cert, typed: str, file_result, signature=None, form=None, status=200):
    response = current_app.make_response((render_template(
        "certificates/verify_result.html", cert=cert, typed=typed, file_result=file_result, signature=signature,
        signing_on=signing.configured(), nip=mask(cert.holder_nip) if cert else "",
        form=form or FileCheckForm(formdata=None)), status))
    response.headers["Cache-Control"] = "no-store"
    return response
