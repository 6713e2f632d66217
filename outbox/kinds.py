"""Labels of e-mail kinds for the case page. The outbox sits below the apps that send mail,
so each app registers the kinds it queues (in its AppConfig.ready()); a kind without a
label is shown as its dotted name."""

from django.utils.functional import Promise

from config.registry import Registry

email_kinds: Registry[str | Promise] = Registry("e-mail kinds")


def email_kind_label(kind: str) -> str:
    return str(email_kinds.get(kind) or kind)
