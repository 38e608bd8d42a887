"""Proof stories: built by marketing from a conversation's messages, approved by the colleague
credited (and by the customer when a quote was edited), published only with the customer's
consent to each quote's exact words, withdrawn everywhere when that consent is revoked.

states.py holds the lifecycle, building.py what marketing makes and edits, approvals.py who
must say yes, consent.py the per-quote consent, publishing.py publication and the one query
every reader of published stories uses, listing.py the lists the pages show."""
