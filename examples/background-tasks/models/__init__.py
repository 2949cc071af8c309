"""Database and API models of the example shop back office."""
