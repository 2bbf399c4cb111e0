"""The subsidy forms, one module per job: ``rounds`` (a round, its criteria, evaluator
assignment), ``awards`` (amounts, objections, disbursement), ``applications`` (the lead
unit's draft, evidence, the list filter) and ``evaluation`` (declaration, score sheet).

Forms parse and type what was posted; the rules are the services'.
"""
