"""HTTP routes, one module per resource; server.app collects them under /api/v1."""
