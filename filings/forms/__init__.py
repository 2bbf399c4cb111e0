"""Forms of the filings app: the lead unit's application (``application``) and the
decisions on the filing page (``review``)."""
