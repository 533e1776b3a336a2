"""The help finder's directory of services, one concern a module.

- models: the core types (a service, its phones, places and opening hours) and how they are
  stored; the feed reader (server.oruk) builds them.
- importer: feeds into directory.db, matched, corrected and stored in one transaction.
- search: the nearest services (R*Tree box, flat-earth order, exact great circles).
- answers: what the API answers, with each service encoded once per language.
- finder: where a postcode is, and a nearby search in one call; raises server.problems errors.

Import from the module you need; this package re-exports nothing, so the feed reader can use
the models without loading the finder.
"""
