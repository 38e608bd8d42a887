"""Privacy duties: one customer's data exported or erased on request, conversations
anonymised after the retention period, and the audit log of who opened which transcript."""
