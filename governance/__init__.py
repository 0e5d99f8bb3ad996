"""Forums, their members, meetings and decisions, and the reporting periods their cadence
sets."""
