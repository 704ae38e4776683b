"""The evaluation: the product's core measured on real mail no one here wrote.

`replyminder eval` runs it (see docs/evaluation.md). It sits beside the product, never
inside it: it reads ../shared/corpora, derives each set's labels from what the corpus
curators wrote (folder names, fixture names, expected-output files, a list server's own
thread index, quoted originals), and feeds the messages through the product's own code
(`bot.mail.parse`, `bot.core.triage`, `bot.core.risks`, `bot.core.conversation`, and the
real ingest on a throwaway SQLite store). Nothing in the product knows about any corpus.

  corpora.py    finding and reading the corpus files (plain files, mboxes, gzip)
  labels.py     the curators' labels: which set a message is in, what it should trip
  metrics.py    rates, pairwise agreement, and the table rows they make
  triage_sets.py, risk_sets.py, preference_sets.py   triage, risks, corrections
  notmuch.py, fedora.py, threading_sets.py           thread trees against references
  enron.py, replies.py                               reply detection on Enron mailboxes
  speed.py      messages per second through triage, risks and threading
  run.py        the whole evaluation, sampled or not; table.py prints it
"""
