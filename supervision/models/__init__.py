from .changes import AllianceChange
from .events import EventAttachment, EventReport
from .recommendation import ProvincialRecommendation
from .reminders import ReminderLog
from .revocation import (
    RevocationAttachment,
    RevocationCase,
    RevocationGround,
    StatementAttachment,
)
from .summaries import AnnualSummary, SummaryAttachment
from .symposia import Symposium, SymposiumInvitation

__all__ = [
    "AllianceChange",
    "AnnualSummary",
    "EventAttachment",
    "EventReport",
    "ProvincialRecommendation",
    "ReminderLog",
    "RevocationAttachment",
    "RevocationCase",
    "RevocationGround",
    "StatementAttachment",
    "SummaryAttachment",
    "Symposium",
    "SymposiumInvitation",
]
