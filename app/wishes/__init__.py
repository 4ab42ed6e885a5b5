"""Micro-wishes (微心愿) and pledges (认捐 / 结对): promises of help from donors, kept until fulfilled."""
