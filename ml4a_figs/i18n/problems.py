"""Old import path of the translation error and `rel`, kept while site/ moves to
i18n.status.TranslationError and i18n.sections.rel; remove when nothing imports it."""

from ..pipeline.translations import TranslationError  # noqa: F401
from .sections import problem_order, rel  # noqa: F401
