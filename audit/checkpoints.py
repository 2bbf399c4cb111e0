"""The chain's anchor outside the database: a daily checkpoint of its length and last seal.

The database owner can switch the triggers off, drop an entry and leave the rest for the
portal to seal again under its key; what they cannot rewrite is a record kept elsewhere.
Each checkpoint (time, sealed entries, last entry's id, position and seal, key id) goes to
the checkpoint storage — appended to ``AUDIT_CHECKPOINT_NAME`` on a file system (opened in
append mode: never read back and rewritten), one new object per checkpoint under a
date-named key on any other storage (never overwritten) — and to the log
(``audit.checkpoint``). ``verify_checkpoints`` checks the chain against every one.
"""

import contextlib
import contextvars
import datetime
import json
import logging
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.utils import timezone

from .chain import ChainProblem, consistent_snapshot
from .models import AuditEntry

logger = logging.getLogger("audit.checkpoint")

# Off only inside ``anchors_held`` (seed_demo): see there.
_anchoring = contextvars.ContextVar("audit_anchoring", default=True)


@contextlib.contextmanager
def anchors_held():
    """For a command that writes history with a moved clock (``seed_demo`` travels to the
    days its records are dated): no anchor per sealing inside — each would carry the moved
    clock's time, and the checkpoints, read in time order, would seem to shrink (the demo's
    verify_audit_chain reported 92 such false alarms) — and one daily checkpoint, at the
    real time, when it ends. The entries are sealed as always."""
    token = _anchoring.set(False)
    try:
        yield
    finally:
        _anchoring.reset(token)
    write_checkpoint()


FIELDS = ("at", "entries", "last_id", "last_seq", "last_hash", "key_id")
# A line's ``kind``: the nightly count of the table, or one sealing's own anchor (written by
# the sealer at once). Lines written before anchors existed have none: daily.
DAILY, SEAL = "daily", "seal"


def _storage():
    return storages[settings.AUDIT_CHECKPOINT_STORAGE]


def _objects_folder() -> str:
    return os.path.splitext(settings.AUDIT_CHECKPOINT_NAME)[0]


def take_checkpoint() -> dict:
    with consistent_snapshot():
        sealed = AuditEntry.objects.filter(seq__isnull=False)
        last = sealed.order_by("-seq").values("pk", "seq", "hash", "key_id").first() or {}
        entries = sealed.count()
    return {
        "at": timezone.now().isoformat(),
        "entries": entries,
        "last_id": last.get("pk"),
        "last_seq": last.get("seq"),
        "last_hash": last.get("hash", ""),
        "key_id": last.get("key_id", ""),
    }


def _append(path: str, line: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # O_APPEND: every write lands at the end, whatever else holds the file open; the file
    # may carry the append-only attribute (chattr +a), which allows nothing else.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _new_object(storage, at: datetime.datetime, line: str) -> None:
    name = f"{_objects_folder()}/{at.astimezone(datetime.UTC):%Y-%m-%dT%H%M%S.%fZ}.json"
    if storage.exists(name):
        raise FileExistsError(f"audit checkpoint {name} exists: checkpoints are never overwritten")
    storage.save(name, ContentFile(line.encode()))


def write_checkpoint() -> dict:
    """The daily checkpoint: counted from the table."""
    return _write({**take_checkpoint(), "kind": DAILY})


def write_anchor(*, last_id: int, last_seq: int, last_hash: str, entries: int) -> dict | None:
    """A checkpoint of one sealing, from what the sealer just wrote (no count query: the
    chain's positions are contiguous, so the head's position is the number sealed)."""
    from .keys import sealing_key

    if not _anchoring.get():
        return None
    return _write(
        {
            "at": timezone.now().isoformat(),
            "entries": entries,
            "last_id": last_id,
            "last_seq": last_seq,
            "last_hash": last_hash,
            "key_id": sealing_key().id,
            "kind": SEAL,
        }
    )


def _write(checkpoint: dict) -> dict:
    line = json.dumps(checkpoint, ensure_ascii=False, sort_keys=True)
    storage = _storage()
    if isinstance(storage, FileSystemStorage):
        _append(storage.path(settings.AUDIT_CHECKPOINT_NAME), line)
    else:
        _new_object(storage, datetime.datetime.fromisoformat(checkpoint["at"]), line)
    logger.info("audit checkpoint %s", line, extra={"audit_checkpoint": checkpoint})
    return checkpoint


def _parse(text: str, where: str, found: list, problems: list) -> None:
    try:
        checkpoint = json.loads(text)
        if not (isinstance(checkpoint, dict) and set(FIELDS) <= set(checkpoint)):
            raise ValueError(text)
        datetime.datetime.fromisoformat(checkpoint["at"])
    except (ValueError, TypeError):
        problems.append(ChainProblem(None, f"检查点{where}无法读取（被改写）"))
        return
    found.append(checkpoint)


def read_checkpoints() -> tuple[list[dict], list[ChainProblem]]:
    """Every checkpoint, oldest first, from the file and from single objects (a portal
    that moved from one storage kind to the other keeps both)."""
    storage, name = _storage(), settings.AUDIT_CHECKPOINT_NAME
    found, problems = [], []
    if storage.exists(name):
        with storage.open(name, "rb") as file:
            lines = file.read().decode(errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            if line.strip():
                _parse(line, f"{name}第{number}行", found, problems)
    folder = _objects_folder()
    try:
        files = storage.listdir(folder)[1]
    except FileNotFoundError:
        files = []
    for file_name in sorted(files):
        with storage.open(f"{folder}/{file_name}", "rb") as file:
            _parse(file.read().decode(errors="replace"), f"{folder}/{file_name}", found, problems)
    found.sort(key=lambda c: datetime.datetime.fromisoformat(c["at"]))
    return found, problems


def _when(checkpoint: dict) -> str:
    return f"{timezone.localtime(datetime.datetime.fromisoformat(checkpoint['at'])):%Y-%m-%d %H:%M}"


def verify_checkpoints() -> tuple[int, list[ChainProblem]]:
    """Every checkpointed entry still there with the same position and seal, and the
    number of sealed entries never smaller than a checkpoint's. Reads only."""
    checkpoints, problems = read_checkpoints()
    ids = {c["last_id"] for c in checkpoints if c["last_id"] is not None}
    present = {
        pk: (seq, digest)
        for pk, seq, digest in AuditEntry.objects.filter(pk__in=ids).values_list(
            "pk", "seq", "hash"
        )
    }
    most = 0
    for checkpoint in checkpoints:
        when, seq = _when(checkpoint), checkpoint["last_seq"]
        if checkpoint["entries"] < most:
            problems.append(
                ChainProblem(
                    seq,
                    f"{when}的检查点记录{checkpoint['entries']}条，少于更早检查点的{most}条"
                    "（数据库被回退或重建）",
                )
            )
        most = max(most, checkpoint["entries"])
        if checkpoint["last_id"] is None:
            continue
        seal = present.get(checkpoint["last_id"])
        if seal is None:
            problems.append(ChainProblem(seq, f"{when}的检查点所记第{seq}条记录已不存在（被删除）"))
        elif seal != (seq, checkpoint["last_hash"]):
            problems.append(
                ChainProblem(seq, f"{when}的检查点所记第{seq}条记录的位置或签封已改变（链被重建）")
            )
    sealed = AuditEntry.objects.filter(seq__isnull=False).count()
    if sealed < most:
        problems.append(
            ChainProblem(None, f"现有已签封记录{sealed}条，少于检查点记录的{most}条（记录被删除）")
        )
    return len(checkpoints), problems
