"""The subsidy pages, one module per job: ``rounds`` (a round and its state actions),
``assignments`` (evaluator panels), ``awards`` (ranking, amounts, the export), ``notice``
(objections, disbursement, the award notice), ``applications`` (the lead unit's
application), ``evaluation`` (the evaluator's pages) and ``public`` (published results).
"""
