#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media folder.
#   scripts/restore.sh DB_DUMP MEDIA_TAR   (DATABASE_URL and DJANGO_PRIVATE_MEDIA_ROOT: the targets)
set -euo pipefail
dump="${1:?usage: scripts/restore.sh DB_DUMP MEDIA_TAR}"
media_tar="${2:?usage: scripts/restore.sh DB_DUMP MEDIA_TAR}"
: "${DATABASE_URL:?DATABASE_URL must point at the (empty) target database}"
media="${DJANGO_PRIVATE_MEDIA_ROOT:?DJANGO_PRIVATE_MEDIA_ROOT must name the target media folder}"
# Verify the checksums written at backup time when they are beside the files.
sums="$(dirname "$dump")/SHA256SUMS-$(basename "$dump" .dump | sed 's/^db-//')"
[ -f "$sums" ] && ( cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$sums")" )
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$DATABASE_URL" "$dump"
mkdir -p "$media"
tar -C "$media" -xzf "$media_tar"
echo "restored $(basename "$dump") and $(basename "$media_tar")"
