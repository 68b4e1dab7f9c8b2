"""Forms of the learning area: the quiz's buttons, and content editing for admins.

The quiz's answers are not WTForms fields: their names come from the attempt itself
(`q-<question id>`), and parse_answers() reads them; whether they belong to the attempt is a
rule the service checks, so the same check guards every caller.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp

from portal.learning.editing import MAX_CHOICES, MAX_LEARNING_HOURS, TOPICS
from portal.learning.models import QuestionKind
from portal.web.forms import PortalForm, max_len

ANSWER_FIELD = re.compile(r"q-([0-9]{1,9})")
MAX_ANSWER_FIELDS = 200

TOPIC_LABELS = {
    "wbs": _l("Whistleblowing system (WBS)"),
    "coi": _l("Conflict of interest"),
    "gratification": _l("Gratification"),
    "other": _l("Other"),
}


class AttemptForm(PortalForm):
    save = SubmitField(_l("Save answers"))
    finish = SubmitField(_l("Submit for grading"))


class AnswerFormatError(ValueError):
    pass


def parse_answers(formdata) -> dict[int, list[int]]:
    """`q-<question id>` -> choice ids; other fields are ignored, anything malformed raises."""
    answers: dict[int, list[int]] = {}
    for name in formdata:
        if not name.startswith("q-"):
            continue
        match = ANSWER_FIELD.fullmatch(name)
        if match is None or len(answers) >= MAX_ANSWER_FIELDS:
            raise AnswerFormatError(name)
        values = formdata.getlist(name)
        if not all(re.fullmatch(r"[0-9]{1,9}", v) for v in values):
            raise AnswerFormatError(name)
        answers[int(match.group(1))] = [int(v) for v in values]
    return answers


# --- editing ---------------------------------------------------------------------------------

def _text(label, n, required=True, extra=(), **kw):
    validators = [DataRequired(message=_l("Fill in this field."))] if required else [Optional()]
    return StringField(label, validators=[*validators, max_len(n), *extra], **kw)


def _area(label, n, required=True, **kw):
    validators = [DataRequired(message=_l("Fill in this field."))] if required else [Optional()]
    return TextAreaField(label, validators=[*validators, max_len(n)], render_kw={"rows": kw.pop("rows", 4)}, **kw)


def _number(label, low, high, **kw):
    return IntegerField(label, validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=low, max=high, message=_l("Enter a number from %(min)s to %(max)s."))], **kw)


class ModuleForm(PortalForm):
    slug = _text(_l("Short name"), 64, extra=[Regexp(r"^[a-z0-9][a-z0-9-]*$",
                                                     message=_l("Use lower-case letters, digits and dashes."))],
                 description=_l("Lower-case letters, digits and dashes; used by the content files."))
    topic = SelectField(_l("Topic"), choices=[SelectChoice(t, TOPIC_LABELS[t]) for t in TOPICS],
                        validators=[DataRequired(message=_l("Choose a topic."))])
    title_id = _text(_l("Title (Indonesian)"), 200)
    title_en = _text(_l("Title (English)"), 200)
    summary_id = _area(_l("Summary (Indonesian)"), 2000, required=False)
    summary_en = _area(_l("Summary (English)"), 2000, required=False)
    questions_per_attempt = _number(_l("Questions per attempt"), 1, 100,
                                    description=_l("Drawn at random from the active questions."))
    pass_mark_percent = _number(_l("Pass mark (%)"), 1, 100)
    attempts_per_day = _number(_l("Attempts per day"), 0, 50, description=_l("0 means no limit."))
    time_limit_minutes = _number(_l("Time limit (minutes)"), 0, 600, description=_l("0 means no time limit."))
    pretest_size = IntegerField(_l("Pre-test questions"), default=0, validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("Enter a number from %(min)s to %(max)s."))],
        description=_l(
        "Questions of a pre-test drawn from the same bank before the first lesson, at most the number of active "
        "questions. It does not count towards passing and its answers are not shown; with the first quiz score "
        "it gives the learning gain. 0 means no pre-test. Learners who have already started are not asked."))
    learning_hours = IntegerField(_l("Learning hours (JP)"), default=0, validators=[
        Optional(),
        NumberRange(min=0, max=MAX_LEARNING_HOURS, message=_l("Enter a number from %(min)s to %(max)s."))],
        description=_l(
        "The jam pelajaran (JP) a completion of this module counts towards the yearly competence development; "
        "printed on its certificates and in the staff's yearly totals. 0 means not set (nothing is printed or "
        "counted). A certificate keeps the JP it was issued with."))
    position = _number(_l("Order in the list"), 0, 999)
    active = BooleanField(_l("Open to learners"), default=True)
    submit = SubmitField(_l("Save"))


MARKDOWN_HELP = _l("Markdown: ## heading, **bold**, - list, [link](https://...). HTML is shown as text.")


class LessonForm(PortalForm):
    title_id = _text(_l("Title (Indonesian)"), 200)
    title_en = _text(_l("Title (English)"), 200)
    body_id = _area(_l("Text (Indonesian)"), 50000, rows=16, description=MARKDOWN_HELP)
    body_en = _area(_l("Text (English)"), 50000, rows=16, description=MARKDOWN_HELP)
    sources = _area(_l("Sources"), 5000, rows=5, description=_l(
        "One source per line, starting with a dash, with its web address in angle brackets."))
    position = _number(_l("Order in the module"), 0, 999)
    submit = SubmitField(_l("Save"))


class ChoiceRowForm(PortalForm):
    class Meta:
        csrf = False  # a row inside QuestionForm, which carries the token

    text_id = _text(_l("Choice (Indonesian)"), 1000, required=False)
    text_en = _text(_l("Choice (English)"), 1000, required=False)
    correct = BooleanField(_l("Correct"))


class QuestionForm(PortalForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.label) for k in QuestionKind],
                       validators=[DataRequired(message=_l("Choose a kind."))])
    prompt_id = _area(_l("Question (Indonesian)"), 5000, rows=3)
    prompt_en = _area(_l("Question (English)"), 5000, rows=3)
    choices = FieldList(FormField(ChoiceRowForm), min_entries=MAX_CHOICES, max_entries=MAX_CHOICES)
    explanation_id = _area(_l("Explanation (Indonesian)"), 5000, rows=3, description=MARKDOWN_HELP)
    explanation_en = _area(_l("Explanation (English)"), 5000, rows=3, description=MARKDOWN_HELP)
    source = _area(_l("Source"), 2000, rows=2)
    position = _number(_l("Order in the bank"), 0, 9999)
    active = BooleanField(_l("Active (can be drawn into quizzes)"), default=True)
    submit = SubmitField(_l("Save"))
