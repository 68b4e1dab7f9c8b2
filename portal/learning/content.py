"""The seed content under portal/content/learning/: read, check and load into the database.

One folder per module:

    <slug>/module.json      titles, summaries, quiz settings, and the lessons in order
    <slug>/lessons/<lesson>.id.md and <lesson>.en.md    the lesson text, Markdown
    <slug>/questions.json   the question bank

Loading creates what is missing and keeps what exists, so edits made in the portal survive
a reload; `overwrite=True` puts the files' text back. Everything goes through editing.py,
the same rules (and audit events) as editing in the portal.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from portal.extensions import db
from portal.learning import editing
from portal.learning.models import Module, QuestionKind
from portal.learning.services import LearningError

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content" / "learning"
SETTINGS = ("questions_per_attempt", "pass_mark_percent", "attempts_per_day", "time_limit_minutes", "learning_hours")
TRUE_FALSE_TEXTS = (("Benar", "True"), ("Salah", "False"))


class ContentError(Exception):
    pass


@dataclass
class LoadReport:
    modules: int = 0
    lessons: int = 0
    questions: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.modules} modules, {self.lessons} lessons, {self.questions} questions created; "
                f"{self.updated} updated")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ContentError(f"{path}: {exc}") from None


def _require(item: dict, keys, where: str) -> None:
    missing = [k for k in keys if not str(item.get(k) or "").strip()]
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}")


def _choices(item: dict, where: str) -> list[editing.ChoiceInput]:
    if item["kind"] == QuestionKind.TRUE_FALSE.value:
        if not isinstance(item.get("answer"), bool):
            raise ContentError(f"{where}: a true_false question needs \"answer\": true or false")
        return [editing.ChoiceInput(text_id, text_en, correct=(item["answer"] is (i == 0)))
                for i, (text_id, text_en) in enumerate(TRUE_FALSE_TEXTS)]
    rows = item.get("choices")
    if not isinstance(rows, list):
        raise ContentError(f"{where}: \"choices\" must be a list")
    return [editing.ChoiceInput(str(c.get("id", "")), str(c.get("en", "")), bool(c.get("correct"))) for c in rows]


def read_module(folder: Path) -> dict:
    """One module folder as plain data, checked; ContentError names the file and the item."""
    spec = _read_json(folder / "module.json")
    _require(spec, ("slug", "topic", "title_id", "title_en"), f"{folder}/module.json")
    spec.setdefault("settings", {})
    for lesson in spec.get("lessons", []):
        where = f"{folder}/module.json lesson {lesson.get('slug')!r}"
        _require(lesson, ("slug", "title_id", "title_en"), where)
        if not lesson.get("sources"):
            raise ContentError(f"{where}: every lesson names its sources")
        for lang in ("id", "en"):
            path = folder / "lessons" / f"{lesson['slug']}.{lang}.md"
            try:
                lesson[f"body_{lang}"] = path.read_text(encoding="utf-8")
            except OSError:
                raise ContentError(f"{path}: missing") from None
    questions = _read_json(folder / "questions.json")
    keys = set()
    for item in questions:
        where = f"{folder}/questions.json {item.get('key')!r}"
        _require(item, ("key", "kind", "prompt_id", "prompt_en", "explanation_id", "explanation_en", "source"), where)
        if item["key"] in keys:
            raise ContentError(f"{where}: duplicate key")
        keys.add(item["key"])
        if item["kind"] not in {k.value for k in QuestionKind}:
            raise ContentError(f"{where}: unknown kind {item['kind']!r}")
        item["choice_inputs"] = _choices(item, where)
    spec["questions"] = questions
    return spec


def read_all(root: Path = CONTENT_DIR) -> list[dict]:
    folders = sorted(p for p in root.iterdir() if (p / "module.json").is_file())
    return [read_module(p) for p in folders]


def load_content(root: Path = CONTENT_DIR, *, overwrite: bool = False, actor=None) -> LoadReport:
    report = LoadReport()
    for spec in read_all(root):
        try:
            _load_module(spec, overwrite, actor, report)
        except LearningError as exc:
            raise ContentError(f"{spec['slug']}: {exc.message}") from None
    return report


def _load_module(spec: dict, overwrite: bool, actor, report: LoadReport) -> None:
    module = db.session.scalar(sa.select(Module).where(Module.slug == spec["slug"]))
    if module is None or overwrite:
        settings = {k: spec["settings"].get(k, default) for k, default in
                    zip(SETTINGS, (10, 80, 3, None, 0), strict=True)}
        editing.save_module(module, slug=spec["slug"], topic=spec["topic"], title_id=spec["title_id"],
                            title_en=spec["title_en"], summary_id=spec.get("summary_id", ""),
                            summary_en=spec.get("summary_en", ""), position=spec.get("position", 0),
                            active=module.active if module else True, actor=actor, **settings)
        report.modules += module is None
        report.updated += module is not None
        module = db.session.scalar(sa.select(Module).where(Module.slug == spec["slug"]))
    existing_lessons = {x.slug: x for x in module.lessons}
    for position, item in enumerate(spec.get("lessons", []), start=1):
        try:
            lesson = existing_lessons.get(item["slug"])
            if lesson is not None and not overwrite:
                continue
            editing.save_lesson(lesson, module=module, slug=item["slug"], title_id=item["title_id"],
                                title_en=item["title_en"], body_id=item["body_id"], body_en=item["body_en"],
                                sources="\n".join(f"- {s}" for s in item["sources"]), position=position, actor=actor)
        except LearningError as exc:
            raise ContentError(f"{spec['slug']} lesson {item['slug']}: {exc.message}") from None
        report.lessons += lesson is None
        report.updated += lesson is not None
    existing_questions = {q.key: q for q in module.questions}
    for position, item in enumerate(spec["questions"], start=1):
        question = existing_questions.get(item["key"])
        if question is not None and not overwrite:
            continue
        try:
            editing.save_question(question, module=module, key=item["key"], kind=QuestionKind(item["kind"]),
                                  prompt_id=item["prompt_id"], prompt_en=item["prompt_en"],
                                  explanation_id=item["explanation_id"], explanation_en=item["explanation_en"],
                                  source=item["source"], choices=item["choice_inputs"], position=position,
                                  active=question.active if question else True, actor=actor)
        except LearningError as exc:
            raise ContentError(f"{spec['slug']} question {item['key']}: {exc.message}") from None
        report.questions += question is None
        report.updated += question is not None


