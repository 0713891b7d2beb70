# walmgr archive_command, written into the archive directory by `skytools walmgr setup
# --archive-command` (each setup writes it anew). PostgreSQL runs it as its OS user:
#   /bin/sh ARCHIVE/walmgr_archive.sh [--compress] %p %f
# (`walmgr_archive.sh --check` only checks that this user can write the archive).
# What `skytools walmgr xarchive` does, without a JVM per segment: exit 0 only once NAME and
# its NAME.sha256 (of the uncompressed content) are durable in ARCHIVE/wal, the checksum
# first, so a crash never leaves a file without one. The same content archived again is
# accepted; different content is refused.
set -u
wal="${0%/*}/wal"
if [ "${1-}" = --check ]; then
    probe="$wal/.tmp.check.$$"
    : > "$probe" && rm -f "$probe" || { echo "walmgr archive_command: $(id -un) cannot write $wal" >&2; exit 1; }
    command -v openssl > /dev/null 2>&1 || command -v sha256sum > /dev/null 2>&1 ||
        { echo "walmgr archive_command: neither openssl nor sha256sum is on the PATH" >&2; exit 1; }
    echo "walmgr archive_command: $(id -un) can write $wal"
    exit 0
fi
compress=
if [ "${1-}" = --compress ]; then
    compress=1
    shift
fi
src=$1
name=$2

fail() {
    echo "walmgr archive_command $src $name failed: $*" >&2
    exit 1
}

# the SHA-256 of stdin: openssl's uses the CPU's SHA instructions, several times sha256sum's speed
digest() {
    if command -v openssl > /dev/null 2>&1; then
        h=$(openssl dgst -sha256 -r)
    else
        h=$(sha256sum)
    fi
    printf '%s' "${h%% *}"
}

h='[0-9A-F]'
h8="$h$h$h$h$h$h$h$h"
case $name in
    $h8$h8$h8 | $h8$h8$h8.partial | $h8$h8$h8.$h8.backup | $h8.history) ;;
    *) fail "not a WAL file name PostgreSQL archives (segment, .partial, .history or .backup)" ;;
esac
[ -f "$src" ] || fail "the WAL file to archive is missing or not a file"
[ -d "$wal" ] || fail "no archive directory $wal"

target="$wal/$name"
case $name in
    *.*) compress= ;;
esac
[ -z "$compress" ] || target="$target.gz"
tmp="$wal/.tmp.$name.$$"
sidecar_tmp="$wal/.tmp.$name.sha256.$$"
trap 'rm -f "$tmp" "$sidecar_tmp"' EXIT

# the copy (and its fsync) on one core while the other hashes the source
if [ -n "$compress" ]; then
    { gzip -c < "$src" > "$tmp" && sync "$tmp"; } &
else
    { cp "$src" "$tmp" && sync "$tmp"; } &
fi
copier=$!
sha=$(digest < "$src")
[ ${#sha} -eq 64 ] || { wait $copier; fail "cannot read it"; }

existing=
if [ -f "$wal/$name" ]; then
    existing="$wal/$name"
elif [ -f "$wal/$name.gz" ]; then
    existing="$wal/$name.gz"
fi
if [ -n "$existing" ]; then
    recorded=$(head -c 64 "$wal/$name.sha256" 2>/dev/null)
    [ ${#recorded} -eq 64 ] || recorded=
    case $name in
        # our own streamed partial has no checksum: PostgreSQL's copy, archived at promotion, is the whole truth
        *.partial) [ -n "$recorded" ] || existing= ;;
    esac
fi
if [ -n "$existing" ]; then
    wait $copier
    record=
    if [ -z "$recorded" ]; then
        # no (whole) checksum beside it: a crash before our exit 0; PostgreSQL is trying again
        record=1
        case $existing in
            *.gz) recorded=$(gzip -dc < "$existing" | digest) ;;
            *) recorded=$(digest < "$existing") ;;
        esac
    fi
    [ "$recorded" = "$sha" ] ||
        fail "already archived as $existing (sha256 $recorded), which differs from this copy (sha256 $sha); refusing to overwrite"
    if [ -n "$record" ]; then
        { printf '%s  %s\n' "$sha" "$name" > "$sidecar_tmp" && sync "$sidecar_tmp" &&
            mv -f "$sidecar_tmp" "$wal/$name.sha256" && sync "$wal"; } || fail "cannot record its checksum"
    fi
    echo "walmgr archive_command: $name was already archived with the same content; accepted" >&2
    exit 0
fi

# the checksum first, the file (fsynced by the copier) renamed after it, then one fsync of the
# checksum and one of the directory. A crash before they are through leaves at worst the file
# without a whole checksum; PostgreSQL, not having seen exit 0, archives it again, and the
# retry finds the same content and records its checksum.
printf '%s  %s\n' "$sha" "$name" > "$wal/$name.sha256" || { wait $copier; fail "cannot write $wal/$name.sha256"; }
wait $copier || fail "cannot copy it to $tmp"
mv -f "$tmp" "$target" && sync "$wal/$name.sha256" "$wal" || fail "cannot put it in place as $target"
exit 0
