from .applications import Application, EvidenceFile, SelfEvaluation
from .awards import Award, Objection
from .evaluation import Assignment, Score
from .rounds import Criterion, SubsidyRound

__all__ = [
    "Application",
    "Assignment",
    "Award",
    "Criterion",
    "EvidenceFile",
    "Objection",
    "Score",
    "SelfEvaluation",
    "SubsidyRound",
]
