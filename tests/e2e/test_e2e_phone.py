"""Phones, 390 x 844: WCAG 2.2 AA target size (2.5.8), nothing pushed out of the window, NIPs on one
line, chart labels that can be read.

For each role, the list pages of every area (and a few detail pages) are opened at 390 px and:
- every visible link, button, check box, radio button, select and summary is at least 24 x 24 CSS px,
  or has 2.5.8's spacing exception (a 24 px circle on its centre touches no other target and no
  other undersized target's circle), or is a link inside running text (a `p` or `li` with a real
  sentence around it, not a table cell or a link standing alone);
- the page is no wider than the window (document scrollWidth <= 391) and no visible control lies
  outside it (a "PDF" or "Edit" link in the fifth column of a table that scrolls sideways is
  hidden from someone who does not know to swipe);
- an NIP ("19840310 201207 1 788") is never split over lines;
- text in a chart is drawn at 12 px or more (an SVG scaled down to the phone shrinks its labels).
"""
from __future__ import annotations

import pytest
from areas_support import DROPPED_STATIC_FILE

pytestmark = [DROPPED_STATIC_FILE]

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 24
MIN_CHART_FONT = 12

# {placeholders} are filled from the `ids` fixture.
PHONE_PAGES = {
    "public": ["/", "/login", "/wbs/", "/wbs/lapor", "/wbs/pantau", "/verifikasi", "/peraturan", "/privasi"],
    "asn.dinkes": ["/", "/belajar/", "/sosialisasi/", "/sosialisasi/{session}", "/benturan-kepentingan/",
                   "/belajar/modul/{module}/kuis", "/sertifikat/", "/pemberitahuan", "/akun", "/akun/data-saya"],
    "kadis.dinkes": ["/benturan-kepentingan/"],
    "sekretaris.dinkes": ["/", "/partisipasi/", "/partisipasi/pegawai", "/org/staf", "/sertifikat/",
                          "/sertifikat/daftar", "/belajar/hasil/", "/benturan-kepentingan/pengawasan/cakupan",
                          "/sosialisasi/", "/sosialisasi/{session}"],
    "inspektur": ["/", "/partisipasi/", "/partisipasi/pegawai", "/partisipasi/deteksi-dini", "/sosialisasi/",
                  "/sosialisasi/{session}", "/benturan-kepentingan/pengawasan/",
                  "/benturan-kepentingan/pengawasan/register", "/benturan-kepentingan/pengawasan/evaluasi",
                  "/benturan-kepentingan/pengawasan/daftar", "/benturan-kepentingan/pengawasan/cakupan",
                  "/belajar/hasil/", "/belajar/hasil/pegawai/{employee}", "/belajar/hasil/analisis-soal/",
                  "/sertifikat/daftar"],
    "wbs.petugas": ["/wbs/kelola/", "/wbs/kelola/statistik"],
    "admin": ["/admin/", "/admin/akun", "/admin/audit", "/admin/hari-libur", "/admin/naskah/", "/admin/naskah/kop",
              "/admin/naskah/penandatangan", "/admin/naskah/penomoran", "/admin/naskah/register", "/admin/pemerintah",
              "/admin/peraturan/", "/admin/persetujuan", "/admin/persiapan", "/admin/privasi",
              "/admin/privasi/koreksi", "/admin/privasi/retensi", "/admin/tanda-tangan-elektronik", "/org/opd",
              "/org/pegawai", "/org/impor", "/belajar/kelola/", "/sertifikat/pengaturan", "/sertifikat/daftar",
              "/partisipasi/pengaturan", "/wbs/kelola/pengaturan", "/sosialisasi/"],
}

# Runs in the page; returns what is wrong with it at this width.
MEASURE = r"""(minTarget) => {
  const SEL = 'a[href], button, input[type=checkbox], input[type=radio], input[type=submit], input[type=button], '
            + 'input[type=reset], select, summary';
  const shown = el => {
    const r = el.getBoundingClientRect();
    // 1 px boxes are visually-hidden text (the skip link before it has focus).
    return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== 'hidden';
  };
  const words = s => (s.match(/[\p{L}\p{N}]/gu) || []).length;
  // 2.5.8's inline exception, narrowly: a link laid out inline in a p or li that has a sentence
  // around it (20 letters or more outside its links), not a link alone or a row of links.
  const inRunningText = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    if (!block || !['P', 'LI'].includes(block.tagName)) return false;
    const linkText = [...block.querySelectorAll('a')].map(a => a.innerText).join('');
    return words(block.innerText) - words(linkText) >= 20;
  };
  const name = el => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().replace(/\s+/g, ' ');
    const type = el.tagName === 'INPUT' ? `[type=${el.type}]` : '';
    return `${el.tagName.toLowerCase()}${type} "${text.slice(0, 50)}"`;
  };
  const targets = [...document.querySelectorAll(SEL)].filter(shown).map(el => {
    const r = el.getBoundingClientRect();
    return {el, r, cx: r.left + r.width / 2, cy: r.top + r.height / 2,
            small: r.width < minTarget - 0.5 || r.height < minTarget - 0.5, inline: inRunningText(el)};
  });
  const distance = (x, y, r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const radius = minTarget / 2;
  const small = [];
  for (const t of targets) {
    if (!t.small || t.inline) continue;
    const clash = targets.find(o => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el) && (
      distance(t.cx, t.cy, o.r) < radius
      || (o.small && !o.inline && Math.hypot(t.cx - o.cx, t.cy - o.cy) < minTarget)));
    if (clash) small.push(`${name(t.el)} is ${Math.round(t.r.width)}x${Math.round(t.r.height)} px and `
                          + `${name(clash.el)} is within its 24 px circle`);
  }
  const width = document.documentElement.clientWidth;
  const outside = targets.filter(t => t.r.right > width + 1 || t.r.left < -1)
    .map(t => `${name(t.el)} at x ${Math.round(t.r.left)}..${Math.round(t.r.right)}`);

  const nipRe = /\b\d{8} \d{6} \d \d{3}\b/g;
  const wrappedNips = [];
  const main = document.querySelector('main');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  let nips = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const m of node.data.matchAll(nipRe)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top)));
      if (lines.size === 0) continue;  // not displayed
      nips += 1;
      if (lines.size > 1) wrappedNips.push(`${m[0]} over ${lines.size} lines`);
    }
  }
  const chartText = [...document.querySelectorAll('main svg text')].filter(t => t.getBoundingClientRect().width > 0)
    .map(t => ({text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a}));
  return {small, outside, scrollWidth: document.documentElement.scrollWidth, nips, wrappedNips,
          chartText, tinyChartText: chartText.filter(c => c.px < 12 - 0.05).map(c => `"${c.text}" ${c.px.toFixed(1)} px`)};
}"""


def measure(page) -> dict:
    return page.evaluate(MEASURE, MIN_TARGET)


def problems_of(path: str, m: dict, shown: int = 4) -> list[str]:
    """What is wrong with the page, at most `shown` of each kind (a table repeats one fault per row)."""
    def some(items: list[str], what: str) -> list[str]:
        out = [f"{path}: {what.format(item)}" for item in items[:shown]]
        if len(items) > shown:
            out.append(f"{path}: ... and {len(items) - shown} more like that")
        return out

    out = some(m["small"], "{}")
    if m["scrollWidth"] > PHONE["width"] + 1:
        out.append(f"{path}: the page is {m['scrollWidth']} px wide")
    out += some(m["outside"], "{} is outside the %d px window" % PHONE["width"])
    out += some(m["wrappedNips"], "NIP {}")
    out += some(m["tinyChartText"], "chart text {}")
    return out


@pytest.fixture(scope="module")
def ids(live_server) -> dict:
    """From the demo: a socialisation session asn.dinkes attended and holds the certificate of, a module
    in which asn.dinkes has sent a quiz, and asn.dinkes's employee id."""
    import sqlalchemy as sa

    from portal.auth.models import User
    from portal.certificates.models import Certificate
    from portal.extensions import db
    from portal.learning.models import Attempt

    with live_server.app.app_context():
        try:
            employee_id = db.session.scalar(sa.select(User.employee_id).where(User.username == "asn.dinkes"))
            session_id = db.session.scalar(sa.select(Certificate.session_id).where(
                Certificate.employee_id == employee_id, Certificate.session_id.is_not(None)).order_by(Certificate.id))
            module_id = db.session.scalar(sa.select(Attempt.module_id).where(
                Attempt.employee_id == employee_id, Attempt.submitted_at.is_not(None)).order_by(Attempt.id))
        finally:
            db.session.remove()
    assert session_id and module_id, "the demo gives asn.dinkes no attendance certificate or no quiz"
    return {"session": session_id, "module": module_id, "employee": employee_id}


@pytest.mark.parametrize("role", list(PHONE_PAGES))
def test_every_control_is_big_enough_and_inside_the_window_on_a_phone(new_context, log_in, ids, role):
    page = new_context(viewport=PHONE).new_page()
    if role != "public":
        log_in(page, role)
    problems = []
    for path in (p.format(**ids) for p in PHONE_PAGES[role]):
        response = page.goto(path)
        assert response.status == 200, f"{role} {path}: {response.status}"
        problems += problems_of(path, measure(page))
    assert not problems, f"at 390 px, as {role}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("role", ["sekretaris.dinkes", "inspektur"])
def test_staff_list_on_a_phone_shows_each_person_with_nip_on_one_line(new_context, log_in, live_server, role):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, role)
    page.goto("/partisipasi/pegawai")
    m = measure(page)
    assert m["nips"] >= 10, f"the staff list shows {m['nips']} NIPs"
    assert not m["wrappedNips"], m["wrappedNips"]
    # What the tester could not reach: the check box and the person (no swiping sideways), full size.
    boxes = page.locator("main tbody input[type=checkbox]")
    links = page.locator("main tbody a")
    assert links.count() >= 10
    for locator in ([boxes] if role == "sekretaris.dinkes" else []) + [links]:
        assert locator.count() >= 10
        for i in range(locator.count()):
            box = locator.nth(i).bounding_box()
            assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, (locator.nth(i), box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (locator.nth(i), box)
    # Each person's status stays on screen too.
    badge = page.locator("main tbody .badge").first
    box = badge.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.parametrize("path,selector,role", [
    ("/benturan-kepentingan/pengawasan/", "main tbody a", "inspektur"),  # register numbers
    ("/sertifikat/daftar", "main tbody a", "inspektur"),
    ("/sosialisasi/{session}", "main a[href$='pdf']", "asn.dinkes"),
])
def test_the_small_targets_the_tester_found_are_24_px(new_context, log_in, ids, path, selector, role):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, role)
    page.goto(path.format(**ids))
    links = page.locator(selector)
    assert links.count() >= 1
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        if box is None:
            continue
        assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, (links.nth(i).inner_text(), box)


def test_participation_charts_are_readable_on_a_phone(new_context, log_in):
    page = new_context(viewport=PHONE).new_page()
    log_in(page, "inspektur")
    page.goto("/partisipasi/")
    m = measure(page)
    labels = [c for c in m["chartText"] if c["text"]]
    assert len(labels) >= 6, "the per-module chart and the trend are drawn"
    assert not m["tinyChartText"], m["tinyChartText"]
    assert min(c["px"] for c in labels) >= MIN_CHART_FONT
