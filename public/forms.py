from django import forms

from .models import PriorityAccount

ADVICE = (
    "Write for families: short sentences, everyday words, 'we' and 'you'. "
    "Aim at a reading age of about 9 (GOV.UK's plain English advice)."
)


class AccountForm(forms.ModelForm):
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
