"""The quiz banks measure understanding: a learner who knows only test-taking tricks must not pass.

Pure tests: the banks are read from their JSON files and the checker is loaded from its file, so
nothing here needs the app, a database or a fixture. The unit tests of the checker use small
hand-built banks whose answers can be worked out by hand or by brute force.
"""
from __future__ import annotations

import ast
import importlib.util
import itertools
import json
import math
import re
import sys
from fractions import Fraction
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "portal" / "learning" / "bank_quality.py"
CONTENT = ROOT / "portal" / "content" / "learning"


def _load_checker():
    # Loaded from its file rather than through the portal package, whose __init__ builds the app:
    # the checker must work with the standard library alone (see test_checker_is_pure).
    spec = importlib.util.spec_from_file_location("bank_quality_under_test", CHECKER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bq = _load_checker()

MODULES = sorted(p.name for p in CONTENT.iterdir() if (p / "module.json").is_file())
KEY_PREFIX = {"wbs": "wbs", "gratifikasi": "grat", "benturan-kepentingan": "coi"}
DEFAULT_SETTINGS = {"questions_per_attempt": 10, "pass_mark_percent": 80}   # the loader's defaults


def _bank(module: str) -> list[dict]:
    return json.loads((CONTENT / module / "questions.json").read_text(encoding="utf-8"))


def _settings(module: str) -> dict:
    spec = json.loads((CONTENT / module / "module.json").read_text(encoding="utf-8"))
    return {**DEFAULT_SETTINGS, **{k: v for k, v in spec.get("settings", {}).items() if v is not None}}


# --- the shipped banks ----------------------------------------------------------------------------

def test_the_three_modules_are_there():
    assert set(MODULES) == set(KEY_PREFIX)


@pytest.mark.parametrize("module", MODULES)
def test_shipped_bank_defeats_surface_cues_in_both_languages(module):
    settings = _settings(module)
    report = bq.check_bank(_bank(module), drawn=settings["questions_per_attempt"],
                           pass_mark_percent=settings["pass_mark_percent"])
    assert report.ok, report.summary()
    for lang in ("id", "en"):
        assert set(report.strategy_rates[lang]) == set(bq.STRATEGIES)
        assert report.surface_pass_rate[lang] <= bq.MAX_SURFACE_PASS_RATE, report.summary()
        assert report.key_longest_share[lang] <= bq.MAX_KEY_LONGEST_SHARE, report.summary()
        assert bq.MIN_TRUE_SHARE <= report.true_share[lang] <= bq.MAX_TRUE_SHARE, report.summary()


@pytest.mark.parametrize("module", MODULES)
def test_shipped_bank_shape_and_the_loaders_rules(module):
    rows = _bank(module)
    assert len(rows) >= 32
    keys = [row.get("key") for row in rows]
    assert len(keys) == len(set(keys)), "duplicate key"
    assert all(re.fullmatch(rf"{KEY_PREFIX[module]}-\d\d", key) for key in keys), keys
    for row in rows:
        for field in ("key", "kind", "prompt_id", "prompt_en", "explanation_id", "explanation_en", "source"):
            assert str(row.get(field) or "").strip(), (row.get("key"), field)
        assert re.search(r"https?://", row["source"]), row["key"]
        assert row["kind"] in bq.KINDS, row["key"]
        if row["kind"] == "true_false":
            assert isinstance(row.get("answer"), bool) and "choices" not in row, row["key"]
            continue
        choices = row["choices"]
        assert 3 <= len(choices) <= 6, row["key"]
        assert all(str(c.get("id", "")).strip() and str(c.get("en", "")).strip() for c in choices), row["key"]
        correct = sum(bool(c.get("correct")) for c in choices)
        if row["kind"] == "single":
            assert correct == 1, row["key"]
        else:
            assert 1 <= correct < len(choices), row["key"]


@pytest.mark.parametrize("module", MODULES)
def test_shipped_bank_mixes_kinds_and_balances_true_false(module):
    rows = _bank(module)
    share = {kind: sum(row["kind"] == kind for row in rows) / len(rows) for kind in bq.KINDS}
    assert 0.50 <= share["single"] <= 0.70, share
    assert 0.20 <= share["true_false"] <= 0.30, share
    assert 0.10 <= share["multiple"] <= 0.20, share
    answers = [row["answer"] for row in rows if row["kind"] == "true_false"]
    assert bq.MIN_TRUE_SHARE <= sum(answers) / len(answers) <= bq.MAX_TRUE_SHARE
    multiples = [row for row in rows if row["kind"] == "multiple"]
    assert len({sum(c["correct"] for c in row["choices"]) for row in multiples}) >= 2, "vary the number of keys"


@pytest.mark.parametrize("module", MODULES)
def test_shipped_items_carry_no_warning_but_the_length_one(module):
    # A uniquely longest key is allowed on some items (the bank-level share is what matters: a key
    # that is never the longest would be a cue too); every other warning must be fixed.
    warned = {row["key"]: codes for row in _bank(module)
              if (codes := [c for c in bq.lint_row(row) if c != "key_longest"])}
    assert warned == {}


# --- the exact pass rate ----------------------------------------------------------------------

def _brute_force(probabilities, drawn, need) -> Fraction:
    total = Fraction(0)
    subsets = list(itertools.combinations(range(len(probabilities)), drawn))
    for subset in subsets:
        for outcome in itertools.product((0, 1), repeat=drawn):
            if sum(outcome) < need:
                continue
            weight = Fraction(1)
            for i, right in zip(subset, outcome):
                weight *= probabilities[i] if right else 1 - probabilities[i]
            total += weight
    return total / len(subsets)


@pytest.mark.parametrize("pass_mark, need", [(60, 2), (80, 3), (30, 1), (100, 3)])
def test_exact_pass_probability_matches_brute_force(pass_mark, need):
    ps = [Fraction(1), Fraction(0), Fraction(1, 2), Fraction(1, 3), Fraction(1, 4), Fraction(2, 3)]
    assert bq.marks_needed(3, pass_mark) == need
    assert bq.pass_probability(ps, drawn=3, pass_mark_percent=pass_mark) == _brute_force(ps, 3, need)


def test_pass_probability_is_hypergeometric_when_items_are_sure_or_hopeless():
    n, sure, drawn = 30, 12, 10
    ps = [1] * sure + [0] * (n - sure)
    expected = Fraction(sum(math.comb(sure, k) * math.comb(n - sure, drawn - k) for k in range(8, drawn + 1)),
                        math.comb(n, drawn))
    assert bq.pass_probability(ps, drawn=drawn, pass_mark_percent=80) == expected


def test_a_bank_smaller_than_an_attempt_is_drawn_whole():
    assert bq.pass_probability([1, 1, 0], drawn=10, pass_mark_percent=60) == 1
    assert bq.pass_probability([1, 1, 0], drawn=10, pass_mark_percent=80) == 0
    assert bq.pass_probability([], drawn=10, pass_mark_percent=80) == 0


def test_marks_needed_is_the_grading_rule():
    # grading.has_passed: 100 * right >= pass_mark * drawn (integers, no rounding).
    for drawn in range(1, 21):
        for mark in (0, 50, 60, 70, 75, 80, 99, 100):
            need = bq.marks_needed(drawn, mark)
            assert 100 * need >= mark * drawn and (need == 0 or 100 * (need - 1) < mark * drawn)


def test_strategy_rates_match_brute_force_on_a_tiny_bank():
    rows = [
        _single("Siapa yang memutuskan?", "Atasan pejabat yang bersangkutan", "Staf", "Inspektorat"),   # longest key
        _single("Kapan melapor?", "30 hari kerja", "7 hari kerja sejak diterima", "1 tahun kemudian"),
        _single("Apa itu UPG?", "Unit A", "Unit B", "Unit C"),                                          # three-way tie
        _true_false("Pernyataan yang benar.", True),
        _true_false("Pernyataan yang salah.", False),
        _multiple("Pilih yang benar.", [("satu", True), ("dua", True), ("tiga", False), ("empat", False)]),
    ]
    items = bq.items_from_content(rows, "id")
    for name, strategy in bq.STRATEGIES.items():
        ps = [strategy(item) for item in items]
        expected = float(_brute_force(ps, 3, 3))
        assert bq.strategy_pass_rates(items, drawn=3, pass_mark_percent=80)[name] == pytest.approx(expected, abs=0)


# --- the strategies on single items -------------------------------------------------------------

def _single(prompt, key, *others, prompt_en=None):
    return {"key": "t", "kind": "single", "prompt_id": prompt, "prompt_en": prompt_en or prompt,
            "choices": [{"id": key, "en": key, "correct": True}] + [{"id": o, "en": o, "correct": False} for o in others]}


def _multiple(prompt, choices):
    return {"key": "t", "kind": "multiple", "prompt_id": prompt, "prompt_en": prompt,
            "choices": [{"id": text, "en": text, "correct": correct} for text, correct in choices]}


def _true_false(prompt, answer):
    return {"key": "t", "kind": "true_false", "answer": answer, "prompt_id": prompt, "prompt_en": prompt}


def _item(row, lang="id"):
    return bq.item_from_row(row, lang)


def test_ties_are_split_evenly():
    tied = _item(_single("Siapa?", "Atasan", "Kepala", "KPK"))                               # 6 = 6 > 3
    assert bq.longest(tied) == Fraction(1, 2) and bq.absolute_longest(tied) == Fraction(1, 2)
    three = _item(_single("Siapa?", "abc", "def", "ghi", "jk"))
    assert bq.longest(three) == Fraction(1, 3)
    assert bq.shortest(three) == 0
    unrelated = _item(_single("Siapa?", "alfa", "beta", "gama", "delta"))                   # no word echoes the stem
    assert bq.absolute_clang(unrelated) == Fraction(1, 4)


def test_absolute_words_are_crossed_out_before_taking_the_longest():
    row = _single("Kapan gratifikasi wajib dilaporkan?",
                  "Dalam 30 hari kerja sejak diterima",
                  "Selalu pada hari yang sama dengan penerimaan",       # longest, but "selalu"
                  "Setelah diminta atasan")
    item = _item(row)
    assert bq.longest(item) == 0
    assert bq.absolute_longest(item) == 1
    assert "absolute_word" in bq.lint_item(item)
    english = _item(_single("When?", "Within thirty working days of receipt",
                            "Never, as long as the gift is small enough", "When asked"), "en")
    assert bq.absolute_longest(english) == 1 and bq.longest(english) == 0


def test_the_clang_strategy_takes_the_option_that_echoes_the_stem():
    item = _item(_single("Kepada lembaga mana pelapor meminta perlindungan?",
                         "Lembaga Perlindungan Saksi dan Korban", "Badan Pemeriksa Keuangan", "Ombudsman RI"))
    assert bq.absolute_clang(item) == 1
    assert "clang" in bq.lint_item(item)
    echoed_by_all = _item(_single("Kepada lembaga mana?", "Lembaga A", "Lembaga B", "Lembaga C"))
    assert bq.absolute_clang(echoed_by_all) == Fraction(1, 3) and "clang" not in bq.lint_item(echoed_by_all)


def test_key_always_longest_bank_is_passed_by_guessing_and_breaches():
    rows = [_single(f"Pertanyaan nomor {i}?", f"Jawaban benar yang panjang dan terperinci {i}",
                    f"Salah {i}", f"Keliru {i}", f"Tidak {i}") for i in range(24)]
    rows += [_true_false(f"Pernyataan {i}.", i % 2 == 0) for i in range(8)]
    report = bq.check_bank(rows, drawn=10, pass_mark_percent=80)
    assert report.strategy_rates["id"]["longest"] > 0.5
    assert report.surface_pass_rate["id"] > 0.5
    assert report.key_longest_share["id"] == 1.0
    assert not report.ok and report.codes == ["key_longest_share", "surface_pass_rate"]
    assert {b.lang for b in report.breaches} == {"id", "en"}


def test_all_true_true_false_bank_breaches():
    rows = [_true_false(f"Pernyataan {i}.", True) for i in range(20)]
    report = bq.check_bank(rows, drawn=10, pass_mark_percent=80)
    assert report.true_share == {"id": 1.0, "en": 1.0}
    assert report.surface_pass_rate["id"] == 1.0                         # "always answer true"
    assert report.codes == ["surface_pass_rate", "true_share"]
    assert report.key_longest_share["id"] is None                        # no single item: nothing to breach


def test_a_balanced_bank_passes():
    rows = []
    for i in range(24):
        texts = [f"Pilihan bernomor {i} satu", f"Pilihan {i} dua", f"Pilihan bernomor {i} tiga lagi", f"Pilihan {i}"]
        key = i % 4                                             # the key moves through every length rank
        rows.append({"key": f"t-{i}", "kind": "single", "prompt_id": f"Soal {i}?", "prompt_en": f"Item {i}?",
                     "choices": [{"id": t, "en": t, "correct": j == key} for j, t in enumerate(texts)]})
    rows += [_true_false(f"Pernyataan {i}.", i % 2 == 0) for i in range(10)]
    report = bq.check_bank(rows, drawn=10, pass_mark_percent=80)
    assert report.ok, report.summary()


# --- multiple-answer items ------------------------------------------------------------------------

def test_ticking_every_option_without_an_absolute_word():
    giveaway = _item(_multiple("Manakah ciri WBS?", [("Rahasia", True), ("Aman", True),
                                                      ("Hanya untuk pejabat", False), ("Tidak pernah dicatat", False)]))
    assert bq.absolute_longest(giveaway) == 1
    everything = _item(_multiple("Manakah ciri WBS?", [("Rahasia", True), ("Aman", True), ("Selektif", True)]))
    assert bq.absolute_longest(everything) == 1
    assert "all_correct" in bq.lint_item(everything)
    fair = _item(_multiple("Manakah ciri WBS?", [("Rahasia", True), ("Aman", True), ("Terbuka", False),
                                                  ("Berjenjang melalui atasan", False)]))
    assert bq.absolute_longest(fair) == 0
    nothing_left = _item(_multiple("Pilih.", [("Selalu benar sekali", True), ("Hanya ini", False)]))
    assert bq.absolute_longest(nothing_left) == 1                    # falls back to the longest alone


def test_the_longer_and_shorter_half_strategies_on_multiple_items():
    longer_keys = _item(_multiple("Pilih.", [("panjang sekali", True), ("panjang juga", True),
                                            ("pendek", False), ("ringkas", False)]))
    assert bq.longest(longer_keys) == 1 and bq.shortest(longer_keys) == 0
    assert "key_longest" in bq.lint_item(longer_keys)
    tie_at_the_boundary = _item(_multiple("Pilih.", [("aaaaaaaaaa", True), ("bbbbbbbb", True),
                                                    ("cccccccc", False), ("ddddd", False)]))
    assert bq.longest(tie_at_the_boundary) == Fraction(1, 2)         # one sure pick, one of two tied
    shorter_keys = _item(_multiple("Pilih.", [("ab", True), ("cd", True), ("efghij", False), ("klmnop", False)]))
    assert bq.shortest(shorter_keys) == 1


# --- true/false -------------------------------------------------------------------------------

def test_true_false_strategies_and_the_absolute_word_cue():
    true_item, false_item = _item(_true_false("Laporan dapat diproses.", True)), _item(_true_false("X.", False))
    assert (bq.absolute_longest(true_item), bq.longest(true_item), bq.shortest(true_item)) == (1, 0, 1)
    assert (bq.absolute_longest(false_item), bq.longest(false_item)) == (0, 1)
    worded = _item(_true_false("Gratifikasi selalu berupa uang.", False))
    assert bq.absolute_longest(worded) == 1                          # "selalu" gives the false statement away
    assert bq.lint_item(worded) == ["absolute_word"]


def test_true_false_from_the_answer_or_from_database_choices_is_the_same_item():
    from_file = _true_false("Pernyataan.", False)
    from_database = {"key": "t", "kind": "true_false", "prompt_id": "Pernyataan.", "prompt_en": "Pernyataan.",
                     "choices": [{"id": "Benar", "en": "True", "correct": False},
                                 {"id": "Salah", "en": "False", "correct": True}]}
    for lang in ("id", "en"):
        assert bq.item_from_row(from_file, lang) == bq.item_from_row(from_database, lang)
        assert bq.item_from_row(from_file, lang).answer is False
    assert bq.true_share([_item(from_file), _item(_true_false("Y.", True))]) == 0.5


def test_key_uniquely_longest_share_counts_strictly_longer_keys_only():
    items = [_item(_single("?", "panjang sekali", "pendek", "ringkas")),      # uniquely longest
             _item(_single("?", "sama", "sama", "x")),                          # tied: not counted
             _item(_single("?", "x", "lebih panjang", "y")),
             _item(_true_false("Pernyataan.", True))]                           # ignored
    assert bq.key_uniquely_longest_share(items) == pytest.approx(1 / 3)
    assert bq.key_uniquely_longest_share([items[-1]]) is None


# --- lint -------------------------------------------------------------------------------------

@pytest.mark.parametrize("row, code", [
    (_single("Manakah yang benar?", "Pilihan satu", "Pilihan dua", "Semua jawaban benar"), "aota"),
    (_single("Which is right?", "One option", "Another option", "All of the above", prompt_en="Which is right?"),
     "aota"),
    (_single("Manakah yang bukan sumber benturan kepentingan?", "Kenaikan pangkat", "Afiliasi", "Gratifikasi"),
     "negative_stem"),
    (_single("Which is not a source?", "Promotion", "Affiliation", "Gratification"), "negative_stem"),
    (_single("Apa tugas UPG?", "Meneruskan laporan kepada KPK dan mengelola barang titipan", "Menyidik", "Menuntut"),
     "key_longest"),
    (_single("Apa tugas UPG?", "Meneruskan", "Menetapkan status kepemilikan gratifikasi",
             "Menjatuhkan hukuman disiplin kepada penerima"), "key_shortest"),
    (_single("Apa?", "Sama", "Sama", "Lain"), "duplicate_choice"),
    (_single("Apa?", "Satu", "Dua"), "few_choices"),
    (_single("Apa?", "Satu", "", "Tiga"), "missing_text"),
])
def test_lint_codes(row, code):
    assert code in bq.lint_row(row)


def test_a_capitalised_negative_is_allowed():
    row = _single("Manakah yang BUKAN sumber benturan kepentingan?", "Kenaikan pangkat", "Afiliasi", "Gratifikasi",
                  prompt_en="Which is NOT a source of conflicts of interest?")
    assert "negative_stem" not in bq.lint_row(row)


def test_bilingual_drift_and_key_count():
    row = _single("Siapa?", "Atasan", "Inspektur", "KPK")
    row["choices"][0]["correct"], row["choices"][1]["correct"] = True, False
    english = bq.Item("single", "Who?", (("Superior", False), ("Inspector", True), ("KPK", False)))
    assert "bilingual_drift" in bq.lint_item(_item(row), english)
    assert "bilingual_drift" not in bq.lint_row(row)
    fewer = bq.Item("single", "Who?", (("Superior", True), ("Inspector", False)))
    assert "bilingual_drift" in bq.lint_item(_item(row), fewer)
    no_key = bq.Item("single", "Siapa?", (("A", False), ("B", False), ("C", False)))
    assert "key_count" in bq.lint_item(no_key)


def test_a_clean_item_has_no_warning():
    row = _single("Kepada siapa gratifikasi dilaporkan bila diterima pegawai Pemko?",
                  "Kepada UPG atau langsung kepada KPK", "Kepada atasan langsung pegawai itu",
                  "Kepada Inspektur daerah setempat", "Kepada BKPSDM bersama laporan kinerja")
    assert bq.lint_row(row) == []


def test_word_lists_match_whole_words_and_phrases():
    assert bq.absolute_words("Tidak perlu dilaporkan") == ["tidak perlu"]
    assert bq.has_absolute_word("Only cash counts") and bq.has_absolute_word("The KPK never decides")
    assert not bq.has_absolute_word("Hanyalah contoh")           # a longer word is not the word "hanya"
    assert not bq.has_absolute_word("Pemberian dari keluarga sepanjang tidak ada konflik kepentingan")
    assert bq.content_words("Perwako 15/2019 dan Perwako 27/2019") == {"perwako", "15/2019", "27/2019"}
    assert bq.content_words("the KPK's decision") == bq.content_words("KPK decisions")


# --- purity -----------------------------------------------------------------------------------

def test_checker_is_pure():
    tree = ast.parse(CHECKER.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
