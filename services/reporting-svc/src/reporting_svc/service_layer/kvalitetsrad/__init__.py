"""Kvalitetsråd meetings and their protokoll (domain/kvalitetsrad.py): plan a meeting with seed 004's
agenda, record notes, decisions, actions and follow-ups, register it as held, justera it (locked
after), and read it with the period's figures, the open actions carried from earlier meetings and the
protokoll announced from one level up and down; the protokoll as PDF and DOCX.

Meetings are data people write: `reporting-svc rebuild` never touches them."""
