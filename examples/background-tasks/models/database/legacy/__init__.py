"""Tables of the previous shop system, kept read-only for the migration."""
