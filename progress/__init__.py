"""The plan month by month: the read model of a plan as it stood ("as at"), the lead's
monthly update, the month cycle pages and the reminders."""
