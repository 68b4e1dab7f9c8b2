"""What a reminder says: each person is told what they still have to do, and nothing else.

asn.dinkes has passed the gratification module, filed this year's statement and missed a
session he was invited to; kadis.dinkes has passed the conflict-of-interest module, has not
filed, and is invited to a session still to come; the secretary has done everything. The
e-mails (Indonesian, then English), the portal notices (read on /pemberitahuan in Indonesian
and in English) and the preview each name exactly the person's own items."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest

from portal.core.workdays import today
from portal.extensions import db
from tests.participation.support import BASE, complete, file_statement, make_module, reminders, set_email, text

GRATIFICATION = {"id": "Modul Pengendalian Gratifikasi", "en": "Gratification Control Module"}
COI = {"id": "Modul Benturan Kepentingan", "en": "Conflict of Interest Module"}
MISSED = "Sosialisasi Kode Etik ASN"
UPCOMING = "Sosialisasi Perwako 27 Tahun 2019"


@pytest.fixture
def progress(app, world):
    from portal.learning.models import Module
    from tests.socialisation.factories import make_session

    with app.app_context():
        ids = {}
        for slug, titles in (("gratifikasi", GRATIFICATION), ("benturan", COI)):
            ids[slug] = make_module(slug, titles["id"])
            db.session.get(Module, ids[slug]).title_en = titles["en"]
        db.session.commit()
        complete(world.asn["employee_id"], ids["gratifikasi"])
        file_statement(world.asn["employee_id"])
        complete(world.kadis["employee_id"], ids["benturan"])
        for slug in ids:
            complete(world.secretary["employee_id"], ids[slug])
        file_statement(world.secretary["employee_id"])
        # Ended half an hour ago without asn.dinkes; kadis is invited to one in three days.
        make_session(world, starts_in=-timedelta(minutes=90), minutes_long=60, invite=[world.asn], title=MISSED)
        make_session(world, starts_in=timedelta(days=3), invite=[world.kadis], title=UPCOMING)
        for account, address in ((world.asn, "asn@dinkes.padang.go.id"), (world.kadis, "kadis@dinkes.padang.go.id"),
                                 (world.secretary, "sekretaris@dinkes.padang.go.id")):
            set_email(account["employee_id"], address)
    return ids


def ids_of(*accounts) -> list[str]:
    return [str(a["employee_id"]) for a in accounts]


def mails(folder) -> dict[str, str]:
    """Recipient -> the e-mail's subject and body."""
    out = {}
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        msg = message_from_bytes(path.read_bytes(), policy=default_policy)
        out[msg["To"]] = f"{msg['Subject']}\n{msg.get_content()}"
    return out


def notices_page(app, login_as, account, lang: str) -> str:
    client = login_as(account)
    response = client.get(f"/pemberitahuan?lang={lang}")
    assert response.status_code == 200
    return text(response)


def block(page: str, employee_id: int) -> str:
    """One person's entry on the preview page: their name, the channel and their items."""
    start = page.index(f'id="reminder-{employee_id}"')
    return page[start:page.index("</ul>", start)]


def test_each_email_names_exactly_what_is_missing(app, world, progress, client_of, mail_folder):
    year = today().year
    secretary = client_of("secretary")
    response = secretary.post(f"{BASE}/pengingat/kirim", data={"ids": ids_of(world.asn, world.kadis)})
    assert response.status_code == 302
    sent = mails(mail_folder)
    assert set(sent) == {"asn@dinkes.padang.go.id", "kadis@dinkes.padang.go.id"}

    asn, kadis = sent["asn@dinkes.padang.go.id"], sent["kadis@dinkes.padang.go.id"]
    assert asn != kadis
    # Indonesian first, then English, in the subject and in the body.
    for body in (asn, kadis):
        assert body.startswith("Pengingat: hal yang masih perlu diselesaikan di Portal Integritas / "
                               "Reminder: what is still to be done in the Integrity Portal")
        assert 0 < body.index("Sekretariat Dinas Kesehatan mengingatkan") < body.index(
            "The secretariat of Dinas Kesehatan reminds you")

    assert f"Modul yang belum lulus: {COI['id']}" in asn and f"Module not yet passed: {COI['en']}" in asn
    assert GRATIFICATION["id"] not in asn and GRATIFICATION["en"] not in asn
    assert "benturan kepentingan tahun" not in asn and "statement for" not in asn  # filed
    assert f"diundang tetapi tidak dihadiri: {MISSED}" in asn
    assert f"Socialisation session you were invited to and missed: {MISSED}" in asn
    assert UPCOMING not in asn

    assert f"Modul yang belum lulus: {GRATIFICATION['id']}" in kadis
    assert f"Module not yet passed: {GRATIFICATION['en']}" in kadis
    assert COI["id"] not in kadis and COI["en"] not in kadis
    assert f"Pernyataan tahunan benturan kepentingan tahun {year} belum disampaikan" in kadis
    assert f"The yearly conflict-of-interest statement for {year} is not yet filed" in kadis
    assert f"Socialisation session you are invited to: {UPCOMING}" in kadis
    assert f"akan datang dan Bapak/Ibu diundang: {UPCOMING}" in kadis
    assert MISSED not in kadis


def test_each_notice_names_exactly_what_is_missing_in_the_readers_language(app, world, progress, client_of,
                                                                               login_as):
    year = today().year
    # No addresses now: the inbox is the only channel, and it must say as much as the e-mail.
    with app.app_context():
        for account in (world.asn, world.kadis):
            set_email(account["employee_id"], None)
    assert client_of("secretary").post(f"{BASE}/pengingat/kirim",
                                       data={"ids": ids_of(world.asn, world.kadis)}).status_code == 302

    asn_id = notices_page(app, login_as, world.asn, "id")
    assert "Pengingat dari sekretariat Dinas Kesehatan" in asn_id
    assert f"Modul yang belum lulus: {COI['id']}" in asn_id and GRATIFICATION["id"] not in asn_id
    assert f"diundang tetapi tidak dihadiri: {MISSED}" in asn_id
    assert "belum disampaikan" not in asn_id and UPCOMING not in asn_id
    asn_en = notices_page(app, login_as, world.asn, "en")
    assert "Reminder from the secretariat of Dinas Kesehatan" in asn_en
    assert f"Module not yet passed: {COI['en']}" in asn_en and GRATIFICATION["en"] not in asn_en
    assert COI["id"] not in asn_en
    assert f"Socialisation session you were invited to and missed: {MISSED}" in asn_en
    assert "not yet filed" not in asn_en and UPCOMING not in asn_en

    kadis_id = notices_page(app, login_as, world.kadis, "id")
    assert f"Modul yang belum lulus: {GRATIFICATION['id']}" in kadis_id and COI["id"] not in kadis_id
    assert f"Pernyataan tahunan benturan kepentingan tahun {year} belum disampaikan" in kadis_id
    assert f"akan datang dan Bapak/Ibu diundang: {UPCOMING}" in kadis_id and MISSED not in kadis_id
    kadis_en = notices_page(app, login_as, world.kadis, "en")
    assert f"Module not yet passed: {GRATIFICATION['en']}" in kadis_en and COI["en"] not in kadis_en
    assert f"The yearly conflict-of-interest statement for {year} is not yet filed" in kadis_en
    assert f"Socialisation session you are invited to: {UPCOMING}" in kadis_en and MISSED not in kadis_en


def test_nothing_missing_gets_nothing(app, world, progress, client_of, login_as, mail_folder):
    secretary = client_of("secretary")
    page = text(secretary.post(f"{BASE}/pengingat", data={"ids": ids_of(world.secretary)}))
    assert "1 have nothing missing and get no reminder." in page
    assert "It will be e-mailed to 0 people." in page
    assert 'name="ids"' not in page
    response = secretary.post(f"{BASE}/pengingat/kirim", data={"ids": ids_of(world.secretary, world.asn)})
    assert response.status_code == 302
    assert set(mails(mail_folder)) == {"asn@dinkes.padang.go.id"}
    assert [r["employee_id"] for r in reminders(app)] == [world.asn["employee_id"]]
    own = notices_page(app, login_as, world.secretary, "en")
    assert "Reminder from the secretariat" not in own


def test_preview_lists_what_each_person_is_told_and_how(app, world, progress, client_of, make_employee):
    year = today().year
    budi = make_employee(world.dinkes, name="Budi Tanpa Surel")  # no address: the portal inbox
    secretary = client_of("secretary")
    response = secretary.post(f"{BASE}/pengingat",
                              data={"ids": ids_of(world.asn, world.kadis, world.secretary, budi)})
    assert response.status_code == 200
    page = text(response)
    assert "It will be e-mailed to 2 people." in page
    assert "1 have no e-mail address" in page and "1 have nothing missing and get no reminder." in page

    asn = block(page, world.asn["employee_id"])
    assert "(e-mail to asn@dinkes.padang.go.id and portal notice)" in asn
    assert f"Module not yet passed: {COI['en']}" in asn and GRATIFICATION["en"] not in asn
    assert f"Socialisation session you were invited to and missed: {MISSED}" in asn
    assert "not yet filed" not in asn and UPCOMING not in asn

    kadis = block(page, world.kadis["employee_id"])
    assert "(e-mail to kadis@dinkes.padang.go.id and portal notice)" in kadis
    assert f"Module not yet passed: {GRATIFICATION['en']}" in kadis and COI["en"] not in kadis
    assert f"The yearly conflict-of-interest statement for {year} is not yet filed" in kadis
    assert f"Socialisation session you are invited to: {UPCOMING}" in kadis and MISSED not in kadis

    everything = block(page, budi["employee_id"])
    assert "(portal notice only)" in everything
    for title in (GRATIFICATION["en"], COI["en"]):
        assert f"Module not yet passed: {title}" in everything
    assert "not yet filed" in everything and MISSED not in everything and UPCOMING not in everything

    assert f'id="reminder-{world.secretary["employee_id"]}"' not in page  # nothing to tell
    assert page.count('name="ids"') == 3
