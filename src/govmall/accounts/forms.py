"""Login form: the throttle's refusal reads the same as a wrong password, except when locked."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govmall.accounts.models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "This account is locked after repeated failed logins. Try again after %(until)s."
        ),
    }

    def clean(self) -> dict:
        try:
            return super().clean()
        except forms.ValidationError:
            username = self.cleaned_data.get("username") or ""
            user = User.objects.filter(username__iexact=username.strip()).first()
            if user and user.locked_until and user.locked_until > timezone.now():
                until = timezone.localtime(user.locked_until).strftime("%H:%M")
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"until": until}
                ) from None
            raise


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
