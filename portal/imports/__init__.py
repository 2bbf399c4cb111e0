"""The import of the paper-era register (issue 16) by the municipal staff.

One workbook (``template``) with a sheet per kind of record; ``reading`` checks the file
(xlsx by content, size, rows, columns) and turns each sheet into a tablib Dataset;
``resources`` holds the django-import-export resources that validate and write the rows;
``service`` runs them in one transaction (the dry run rolls it back) and writes the
audit entries; ``tasks`` runs the dry run and the import as Celery jobs; ``views`` is the
upload, report, confirmation and result pages.
"""
