"""Infrastructure shared by every domain: database, bus, cache, jobs, errors, security, clock."""
