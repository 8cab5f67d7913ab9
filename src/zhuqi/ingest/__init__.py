"""Published reports (报道) read into draft visits and cases: cleaned, extracted, linked to the
registry, merged when several sites report one event, and confirmed by a person (issue 21)."""
