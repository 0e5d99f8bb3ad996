"""The upload forms of the plan import: the admin's, and the one on a plan's import and
export page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.text import slugify

from sendplan.forms import GovukRadios
from sendplan.models import Area, Role

from .columns import FIELD_LABELS, PLAN_HEADERS
from .mapping import HEADING, normalise
from .services import current_month


def _size_limit_mb() -> float:
    return settings.SENDPLAN_IMPORT_MAX_BYTES / (1024 * 1024)


class UploadChecks:
    """The file size and month checks both upload forms make."""

    def _clean_upload(self, name: str):
        upload = self.cleaned_data.get(name)
        if upload and upload.size > settings.SENDPLAN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB; the largest file that can "
                f"be imported is {_size_limit_mb():g} MB."
            )
        return upload

    def clean_file(self):
        return self._clean_upload("file")

    def clean_updates(self):
        return self._clean_upload("updates")

    def clean_month(self) -> dt.date:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return current_month()
        try:
            return dt.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("Enter the month as YYYY-MM, such as 2024-03.") from None


class PlanImportForm(UploadChecks, forms.Form):
    file = forms.FileField(
        label="Plan spreadsheet",
        help_text="An Excel workbook (.xlsx), a CSV file or a Word document (.docx) holding "
        "the plan table.",
    )
    updates = forms.FileField(
        label="Story so far (optional)",
        required=False,
        help_text='Only if the workbook has no sheet named "updates": a file with the '
        "columns ref, date, text.",
    )
    area_name = forms.CharField(label="Local area", max_length=120)
    plan_title = forms.CharField(label="Plan title", max_length=200)
    slug = forms.SlugField(
        label="Short name for addresses",
        max_length=120,
        required=False,
        help_text='Leave blank to use the title\'s: "Southend WSoA" becomes southend-wsoa.',
    )
    month = forms.CharField(
        label="Month of the sheet's BRAGG and RAG ratings",
        required=False,
        help_text="As YYYY-MM, such as 2024-03. Leave blank for this month.",
    )
    replace = forms.BooleanField(
        label="Replace the plan's content if it already has some (its history is kept)",
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_area_name(self) -> str:
        name = " ".join(self.cleaned_data["area_name"].split())
        user = self.user
        if user is None or user.is_superuser:
            return name
        # Staff who are not site administrators import only into areas where they are
        # the programme manager; they cannot create an area.
        area = Area.objects.filter(name__iexact=name).first()
        if (
            area is None
            or not area.memberships.filter(user=user, role=Role.PROGRAMME_MANAGER).exists()
        ):
            raise forms.ValidationError("Select a local area where you are the programme manager.")
        return area.name

    def clean(self):
        cleaned = super().clean()
        title = cleaned.get("plan_title")
        if title and not (cleaned.get("slug") or slugify(title)):
            self.add_error("slug", "Enter a short name for addresses.")
        return cleaned


class ColumnMappingForm(forms.Form):
    """The field each column of an uploaded file fills, or "not imported", and what a
    heading row starts: on the preview page, through ``spreadsheets/_mapping.html``.
    Built from ``ImportPreview.columns``; ``choices()`` gives what ``read_plan_files``
    takes."""

    heading = forms.ChoiceField(
        label="A row holding only a heading starts",
        choices=[("priority", "a priority"), ("issue", "an issue to be addressed")],
        required=False,
    )

    def __init__(self, *args, columns: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_columns = list((columns or {}).get("columns", []))
        options = [("", "Not imported"), *((f, FIELD_LABELS[f]) for f in PLAN_HEADERS)]
        for column in self.file_columns:
            self.fields[f"column_{column['letter']}"] = forms.ChoiceField(
                label=f"{column['letter']}: {column['header']}",
                choices=options,
                required=False,
                initial=column["field"] or "",
            )
        self.fields["heading"].initial = (columns or {}).get("heading") or "priority"

    def rows(self):
        """(column, its bound field) in the file's order, for the template."""
        return [(c, self[f"column_{c['letter']}"]) for c in self.file_columns]

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for column in self.file_columns:
            field = cleaned.get(f"column_{column['letter']}")
            if not field:
                continue
            if field in seen:
                self.add_error(
                    f"column_{column['letter']}",
                    f"Select another field or not imported: column {seen[field]} already "
                    f"fills {FIELD_LABELS[field]}.",
                )
            seen.setdefault(field, column["letter"])
        return cleaned

    def choices(self) -> dict[str, str]:
        chosen = {
            normalise(c["header"]): self.cleaned_data.get(f"column_{c['letter']}") or ""
            for c in self.file_columns
        }
        chosen[HEADING] = self.cleaned_data.get("heading") or "priority"
        return chosen


class PlanPageImportForm(UploadChecks, forms.Form):
    """The upload on a plan's import and export page: into this plan (replacing its
    content, its history kept) or into a new plan of the same area."""

    THIS_PLAN, NEW_PLAN = "this", "new"

    file = forms.FileField(
        label="Plan spreadsheet",
        help_text="An Excel workbook (.xlsx), a CSV file or a Word document (.docx) holding "
        "the plan table.",
        error_messages={"required": "Select the plan spreadsheet", "empty": "The file is empty"},
        widget=forms.FileInput(attrs={"class": "govuk-file-upload"}),
    )
    updates = forms.FileField(
        label="Story so far (optional)",
        required=False,
        help_text='Only if the workbook has no sheet named "updates": a CSV file with the '
        "columns ref, date, text.",
        error_messages={"empty": "The story so far file is empty"},
        widget=forms.FileInput(attrs={"class": "govuk-file-upload"}),
    )
    into = forms.ChoiceField(
        label="Import into",
        choices=[(THIS_PLAN, "This plan"), (NEW_PLAN, "A new plan in this area")],
        initial=THIS_PLAN,
        widget=GovukRadios(
            hints={
                THIS_PLAN: "The plan's content is replaced by the file's; its history is kept.",
            }
        ),
        error_messages={"required": "Select where to import the plan"},
    )
    plan_title = forms.CharField(
        label="Title of the new plan",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    slug = forms.SlugField(
        label="Short name for addresses (optional)",
        max_length=120,
        required=False,
        help_text='For a new plan. Leave blank to use the title\'s: "Southend WSoA" becomes '
        "southend-wsoa.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )
    month = forms.CharField(
        label="Month of the sheet's BRAGG and RAG ratings (optional)",
        required=False,
        help_text="As YYYY-MM, such as 2024-03. Leave blank for this month.",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("into") == self.NEW_PLAN:
            title = " ".join((cleaned.get("plan_title") or "").split())
            if not title:
                self.add_error("plan_title", "Enter the title of the new plan")
            elif not (cleaned.get("slug") or slugify(title)):
                self.add_error("slug", "Enter a short name for addresses")
            cleaned["plan_title"] = title
        return cleaned

    def target(self) -> dict:
        """Where the import goes: the arguments of ``store_upload`` that name it."""
        data, plan = self.cleaned_data, self.plan
        if data["into"] == self.NEW_PLAN:
            title = data["plan_title"]
            return {
                "area_name": plan.area.name,
                "plan_title": title,
                "slug": data["slug"] or slugify(title),
                "replace": False,
            }
        return {
            "area_name": plan.area.name,
            "plan_title": plan.title,
            "slug": plan.slug,
            "replace": True,
        }
