"""Forms of the reference-price pages: the search and the CSV upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from govmall.pricing.models import ReferenceSource


class SearchForm(forms.Form):
    brand = forms.CharField(label=_("Brand"), max_length=100, required=False)
    model = forms.CharField(label=_("Model"), max_length=100, required=False)
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All sources")), *ReferenceSource.choices],
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Reference price file (CSV)"),
        help_text=_(
            "UTF-8 or GB18030. Good rows are imported, faulty rows are listed in the report; "
            "rows already stored are skipped."
        ),
    )
