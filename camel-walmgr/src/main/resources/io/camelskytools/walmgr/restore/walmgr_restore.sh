# walmgr restore_command, written into the data directory by `skytools walmgr restore`
# (each restore writes it anew). PostgreSQL runs it from the data directory as
#   /bin/sh walmgr_restore.sh %f %p [--partial SEGMENT_SIZE] [--allow-gap] ARCHIVE_WAL_DIR [COPY_DIR]...
#
# It hands recovery only a file whose content matches the SHA-256 the archive recorded for
# it (NAME.sha256, of the uncompressed content), taking it from the archive or else from
# the first copy directory that holds a good one. Exit codes:
#   0    %p holds NAME
#   1    not there: recovery ends here (a standby tries streaming instead)
#   200  NAME is damaged in every copy, or missing while later WAL exists (a gap): PostgreSQL
#        takes an exit code above 125 as a hard failure and stops instead of promoting with
#        what it replayed so far. A standby (standby.signal) gets 1 and waits for streaming;
#        --allow-gap also gives 1, accepting the loss.
set -u
name=$1
dest=$2
shift 2
partial=
allow_gap=
while [ $# -gt 0 ]; do
    case $1 in
        --partial) partial=$2; shift 2 ;;
        --allow-gap) allow_gap=1; shift ;;
        *) break ;;
    esac
done
archive=$1
tmp="$dest.walmgr-tmp"
unverified="$dest.walmgr-unverified"
damaged=

say() {
    echo "walmgr restore_command: $*" >&2
}

# what PostgreSQL does when we cannot hand out NAME: stop, unless a standby or told to go on
refuse() {
    rm -f "$tmp" "$unverified"
    if [ -f standby.signal ]; then
        say "$1; the standby waits for streaming or a good copy"
        exit 1
    fi
    if [ -n "$allow_gap" ]; then
        say "$1; recovery ends before it (--allow-gap)"
        exit 1
    fi
    say "$1; recovery stops here rather than end early and promote without the WAL after it: put a good copy in" \
        "$archive (or restore again with --allow-gap to accept losing it)"
    exit 200
}

# the SHA-256 recorded for NAME in directory $1, empty when none is
recorded() {
    if [ -f "$1/$name.sha256" ]; then
        head -c 64 "$1/$name.sha256"
    fi
}

# copies NAME from directory $1 (plain or gzipped) to $tmp; 1 when that directory does not hold it
fetch() {
    if [ -f "$1/$name" ]; then
        cp "$1/$name" "$tmp" || { damaged="$damaged $1/$name cannot be read;"; return 1; }
    elif [ -f "$1/$name.gz" ]; then
        gzip -dc "$1/$name.gz" > "$tmp" 2>/dev/null || { damaged="$damaged $1/$name.gz cannot be decompressed;"; return 1; }
    else
        return 1
    fi
}

# the archive's own record is the truth; a copy's record counts only where the archive has none
expected=$(recorded "$archive")
for dir in "$@"; do
    fetch "$dir" || continue
    want=$expected
    [ -n "$want" ] || want=$(recorded "$dir")
    have=$(sha256sum < "$tmp" | head -c 64)
    if [ -z "$want" ]; then
        # no checksum anywhere (a plain cp archive_command): used only if no copy can be checked
        [ -f "$unverified" ] || mv "$tmp" "$unverified"
        continue
    fi
    if [ "$have" = "$want" ]; then
        [ "$dir" = "$archive" ] || say "$name is damaged in $archive; using the good copy in $dir"
        rm -f "$unverified"
        mv -f "$tmp" "$dest"
        exit 0
    fi
    damaged="$damaged $dir/$name: checksum mismatch (recorded $want, content has $have);"
done
rm -f "$tmp"
if [ -n "$damaged" ]; then
    refuse "WAL file $name is damaged in every copy:$damaged"
fi
if [ -f "$unverified" ]; then
    say "$name has no recorded checksum; handing it out unchecked"
    mv -f "$unverified" "$dest"
    exit 0
fi
# a segment the streaming archiver is still filling: padded with zeros, where replay ends
if [ -n "$partial" ] && [ -f "$archive/$name.partial" ]; then
    { cp "$archive/$name.partial" "$tmp" || cp "$archive/$name" "$tmp"; } && truncate -s "$partial" "$tmp" &&
        mv -f "$tmp" "$dest" && exit 0
    rm -f "$tmp"
    refuse "partial segment $archive/$name.partial cannot be read"
fi
# a missing segment is the end of the archive, unless later WAL (this timeline or a later one) exists
case $name in
    [0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]????????????????)
        [ ${#name} -eq 24 ] || exit 1
        tli=$(printf %s "$name" | head -c 8)
        segno=${name#????????}
        later=$(for dir in "$@"; do ls "$dir"; done 2>/dev/null | awk -v t="$tli" -v s="$segno" '
            { n = $0; sub(/\.gz$/, "", n) }
            length(n) == 24 && n ~ /^[0-9A-F]+$/ {
                if (substr(n, 9) == s) { seen = 1 }
                else if (substr(n, 1, 8) >= t && substr(n, 9) > s && (first == "" || n < first)) { first = n }
            }
            END { if (!seen && first != "") print first }')
        ;;
    *) later= ;;
esac
if [ -n "$later" ]; then
    refuse "WAL segment $name is missing from $archive while later WAL is there ($later): a gap"
fi
exit 1
