"""The sections of a report, each built from one domain's data into document.Section."""
