"""Supervision pages (Art. 12, 13, 16, 17), one module per kind of record."""
