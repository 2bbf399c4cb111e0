"""Views of the filings app: the lead unit's application (``application``), the filing
page and its decisions (``review``), the reviewers' queues (``queues``) and downloads
(``downloads``)."""
