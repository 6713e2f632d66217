from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Occupation(models.Model):
    """One group of ISCO-08 / STYRK-08 (the Norwegian version keeps ISCO's codes).

    The code's length is its level: "2" major group, "22" sub-major, "222" minor, "2221"
    unit group; each group's parent is its code without the last digit. Loaded by the data
    migrations (occupations/data/), never edited in the application.
    """

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Empty where no STYRK-08 title could be verified (occupations/data says which):
    # `title()` then shows the English one.
    title_nb = models.CharField(_("Norwegian title"), max_length=200, blank=True)
    title_en = models.CharField(_("English title"), max_length=200)
    # Words people type for this group, Norwegian and English, space or comma separated.
    synonyms = models.TextField(_("synonyms"), blank=True)
    # Titles and synonyms in occupations.text's normal form, for search-as-you-type.
    search_key = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4),
                name="occupations_occupation_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title()}"

    def title(self, language: str | None = None) -> str:
        """The title in `language` (default: the active one): Norwegian for nb, else English."""
        language = language or get_language() or "nb"
        if language.startswith("nb") and self.title_nb:
            return self.title_nb
        return self.title_en
