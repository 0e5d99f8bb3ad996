"""Reports: issued PDF progress statements (see the reports issue)."""
