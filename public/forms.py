from django import forms

from sendplan.forms import GovukRadios
from sendplan.ratings import BRAGG

from .models import SYMBOLS, PriorityAccount

ADVICE = (
    "Write for families: short sentences, everyday words, 'we' and 'you'. "
    "Aim at a reading age of about 9 (GOV.UK's plain English advice)."
)


class AccountForm(forms.ModelForm):
    # The word as the choice, and as its hint the symbol the public page shows beside it
    # and what the word means.
    status = forms.ChoiceField(
        label="How it is going",
        choices=[(c.value, c.word) for c in BRAGG],
        widget=GovukRadios(hints={c.value: f"Shown as {SYMBOLS[c]}: {c.meaning}" for c in BRAGG}),
        error_messages={"required": "Select how it is going"},
    )

    class Meta:
        model = PriorityAccount
        fields = ["status", "account", "changed_for_families"]
        widgets = {
            "account": forms.Textarea(attrs={"rows": 5, "data-readability": "1"}),
            "changed_for_families": forms.Textarea(attrs={"rows": 3, "data-readability": "1"}),
        }
        help_texts = {"account": ADVICE}

    def clean_account(self):
        text = self.cleaned_data["account"].strip()
        if len(text) > 3000:
            raise forms.ValidationError("Enter an account of 3,000 characters or fewer")
        return text


class PublishForm(forms.Form):
    names_agreed = forms.BooleanField(
        label="Everyone named in the summary has agreed to be named",
        required=False,
        help_text="Officers are named only if they chose to be. Leave this unticked unless "
        "each person named has said yes.",
    )
