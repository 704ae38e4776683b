"""Replyminder: every work email gets an answer within 24 working hours.

The flow, folder by folder (imports only go down this list):
  cli.py, web.py, worker.py  entry points; app.py wires adapters to services from Settings
  services/   use cases: ingest mail, send due reminders, act on a chat command
  mail/       mail providers: Maildir (embedded), Exchange (EWS), Graph; all yield core Mail
  chat/       chat channels: console (embedded), Slack, Teams; all render core Cards
  store/      the database: SQLAlchemy models, queries, leases and the outbox
  core/       the pure domain: calendar, triage, risks, threading, reminder policy,
              commands and dates, reply texts, forward suggestions, cards; no I/O
  templates/  holding-reply and forward texts, one file per language (overridable)
  evaluation/ beside the flow: the core measured on real corpora (`replyminder eval`)
"""
