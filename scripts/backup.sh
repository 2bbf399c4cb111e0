#!/usr/bin/env bash
# Back up the database (pg_dump, custom format) and the private media into one folder.
#   scripts/backup.sh DEST_DIR        (DATABASE_URL and DJANGO_PRIVATE_MEDIA_ROOT as for the portal)
set -euo pipefail
dest="${1:?usage: scripts/backup.sh DEST_DIR}"
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
media="${DJANGO_PRIVATE_MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/var/private}"
stamp="$(date +%Y%m%d-%H%M%S)"
mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --file "$dest/db-$stamp.dump" "$DATABASE_URL"
tar -C "$media" -czf "$dest/media-$stamp.tar.gz" .
( cd "$dest" && sha256sum "db-$stamp.dump" "media-$stamp.tar.gz" > "SHA256SUMS-$stamp" )
echo "$dest/db-$stamp.dump"
echo "$dest/media-$stamp.tar.gz"
