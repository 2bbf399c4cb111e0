from .applications import Application, EvidenceFile, SelfEvaluation
from .awards import Award, Objection
from .draws import ExpertDraw
from .evaluation import Assignment, Score
from .rounds import Criterion, SubsidyRound

__all__ = [
    "Application",
    "Assignment",
    "Award",
    "Criterion",
    "EvidenceFile",
    "ExpertDraw",
    "Objection",
    "Score",
    "SelfEvaluation",
    "SubsidyRound",
]
