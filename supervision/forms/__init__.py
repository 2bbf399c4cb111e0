"""Forms of the supervision pages, one module per kind of record. A form parses a request
(types, required fields); what a record may contain is the service's to decide."""
