"""email_render: the Jinja2 templates escape the HTML part only. The environment
autoescapes, so a subject or text part that left out `{% autoescape false %}`, or a
translation escaped regardless, would send "&amp;" and "&#39;" to the reader."""

from datetime import date

from cases.models import Case, FollowUp
from contacts.models import Newcomer
from outbox.emails import email_render
from outbox.services import email_build_many


def _case() -> Case:
    return Case(pk=7, reference="2025-00007", newcomer=Newcomer(name="Anna Kowalska"))


def test_email_render_text_part_keeps_a_title_verbatim_and_html_part_escapes_it():
    case = _case()
    item = FollowUp(case=case, title="Rent & deposit <urgent>", due_date=date(2025, 3, 4))
    context = {"item": item, "case": case, "overdue": True, "is_step": False, "url": "/c/7/"}

    rendered = email_render(template="reminder_item", language="en", context=context)

    assert "Rent & deposit <urgent>" in rendered.body_text
    assert "&amp;" not in rendered.body_text
    assert "<strong>Rent &amp; deposit &lt;urgent&gt;</strong>" in rendered.body_html
    assert "<urgent>" not in rendered.body_html
    assert rendered.subject == "Overdue follow-up on case 2025-00007"


def test_email_render_text_part_keeps_translations_and_their_placeholders_verbatim():
    context = {
        "inviter": "Kari & Ola",
        "organisation": "Narvik <kommune>",
        "set_password": False,
        "link_url": "https://tilflytt.example.org/login/?next=/&x=1",
    }

    rendered = email_render(template="staff_invite", language="en", context=context)

    text = rendered.body_text
    assert "Kari & Ola has invited you to the newcomer team's case system" in text
    assert "a member of Narvik <kommune>." in text
    assert "Sign in with your organisation's own account here:" in text
    assert "https://tilflytt.example.org/login/?next=/&x=1" in text
    assert "&amp;" not in text and "&#39;" not in text
    assert "Kari &amp; Ola" in rendered.body_html
    assert "Narvik &lt;kommune&gt;" in rendered.body_html
    assert 'href="https://tilflytt.example.org/login/?next=/&amp;x=1"' in rendered.body_html


def test_email_render_html_part_turns_a_message_into_escaped_paragraphs():
    context = {
        "case": _case(),
        "body": "Hei Anna,\n\nwe meet at 10 <b>sharp</b>\nin room 2",
        "author_name": "Kari",
        "privacy_url": "https://tilflytt.example.org/privacy/",
    }

    rendered = email_render(template="conversation_message", language="nb", context=context)

    assert rendered.body_text.startswith("Hei Anna,\n\nwe meet at 10 <b>sharp</b>\nin room 2\n")
    assert "<p>Hei Anna,</p>\n\n<p>we meet at 10 &lt;b&gt;sharp&lt;/b&gt;<br>in room 2</p>" in (
        rendered.body_html
    )


def test_email_build_many_renders_each_email_in_its_own_language_in_order():
    # Rendered by template and language together (outbox.emails.email_render_many), the
    # e-mails come back in the order given, each in its own language, with a Message-ID
    # of its own.
    def message(reference, language):
        case = Case(pk=int(reference[-1]), reference=reference, newcomer=Newcomer(name="A"))
        item = FollowUp(case=case, title="Call", due_date=date(2025, 3, 4))
        context = {"item": item, "case": case, "overdue": True, "is_step": False, "url": "/"}
        return {
            "kind": "reminders.followup_overdue",
            "to": "kari@example.org",
            "template": "reminder_item",
            "language": language,
            "context": context,
            "case_id": case.pk,
        }

    languages = ["nb", "en", "nb", "en"]
    references = [f"2025-0000{n}" for n in range(1, 5)]
    emails = email_build_many(
        [message(reference, lang) for reference, lang in zip(references, languages, strict=True)]
    )

    assert [e.language for e in emails] == languages
    assert [e.case_id for e in emails] == [1, 2, 3, 4]
    assert emails[1].subject == "Overdue follow-up on case 2025-00002"
    assert "04/03/2025" in emails[1].body_text
    assert emails[0].subject != "Overdue follow-up on case 2025-00001"
    assert emails[0].subject.endswith("2025-00001") and "04.03.2025" in emails[0].body_text
    assert len({e.message_id for e in emails}) == 4
    assert all(e.pk is None for e in emails)
