"""What the partnership reads: plan pages, dashboards, and the PDF progress statements
issued to forums."""
