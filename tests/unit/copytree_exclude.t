#!/bin/bash
# copytree -e: the exclude list, as AIX: POSIX basic regular expressions (as
# grep), one per line, matched against ./path; a directory as ./dir (dropped
# with all below it), its contents as ./dir/...; blank lines ignored.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/gentree.sh"
ct_setup
cd "$W" || exit 1

for f in tmp/a tmp/sub/b var/tmp/c home/u/scratch/x home/u/scratch/deep/y home/u/notscratch/z \
	 scratch/w data/scratch etc/passwd etc/ssh/key a.log b.log.1 dir.log/inner 'x+y' \
	 'ab(c|d)' $'new\nline' xxy; do
	mkdir -p "src/$(dirname "$f")"
	echo "$f" >"src/$f"
done
mkdir src/emptydir

# paths below DIR, one per line, a newline in a name written \n
paths() { (cd "$1" && find . -mindepth 1 -print0 | sed -z 's/\n/\\n/g' | tr '\0' '\n' | LC_ALL=C sort); }

n=0
# row 'PATTERN LINES' 'PATHS LEFT OUT (space separated)' 'why'
row() {
	local patterns=$1 dropped=$2 why=$3
	n=$((n + 1))
	printf '%s\n' "$patterns" >"list$n"
	run "$ALTKIT" copytree -e "list$n" src "dst$n"
	is "$rc:$err" "0:" "$why: copytree exits 0"
	# (before listing the trees: reading a directory sets its atime)
	run "$ALTKIT" treediff -e "list$n" src "dst$n"
	is "$rc:$out" "0:" "$why: treediff -e with the same list sees no difference"
	is "$(comm -23 <(paths src) <(paths "dst$n") | tr '\n' ' ' | sed 's/ $//')" "$dropped" \
	   "$why: left out: ${dropped:-nothing}"
}

row '^./tmp/'   './tmp/a ./tmp/sub ./tmp/sub/b' \
    "AIX: '^./tmp/' drops what is in the top tmp, keeps ./tmp itself"
row '/scratch/' './home/u/scratch/deep ./home/u/scratch/deep/y ./home/u/scratch/x ./scratch/w' \
    "AIX: '/scratch/' drops the contents of every scratch directory"
row '^./tmp$'   './tmp ./tmp/a ./tmp/sub ./tmp/sub/b' \
    "'^./tmp\$' drops the directory with everything in it"
row '/tmp/'     './tmp/a ./tmp/sub ./tmp/sub/b ./var/tmp/c' \
    "'/tmp/' is not anchored: every tmp directory's contents"
row '/scratch$' './data/scratch ./home/u/scratch ./home/u/scratch/deep ./home/u/scratch/deep/y ./home/u/scratch/x ./scratch ./scratch/w' \
    "'/scratch\$' drops directories and files named scratch"
row '\.log$'    './a.log ./dir.log ./dir.log/inner' \
    "'\\.log\$' matches a file and a directory by name"
row '\.log'     './a.log ./b.log.1 ./dir.log ./dir.log/inner' \
    "'\\.log' unanchored"
row '^./etc/ssh' './etc/ssh ./etc/ssh/key' \
    "a directory below the top"
row 'x+y'       './x+y' \
    "basic, not extended: + is an ordinary character"
row 'ab(c|d)'   './ab(c|d)' \
    "basic, not extended: ( | ) are ordinary characters"
row 'x\{2\}y'   './xxy' \
    "basic intervals \\{2\\}"
row 'line$'     './new\nline' \
    "a name with a newline: \$ is the end of the path"
row '^line'     '' \
    "a name with a newline: ^ is only the start of the path"
row '^\.$'      '' \
    "the top (.) itself is never matched"
row $'\n   \n\t' '' \
    "blank lines (also spaces and tabs only) are ignored, not 'match all'"
row "$(printf '^./tmp/\n\n/scratch/')" './home/u/scratch/deep ./home/u/scratch/deep/y ./home/u/scratch/x ./scratch/w ./tmp/a ./tmp/sub ./tmp/sub/b' \
    "several patterns: each one drops what it matches"
row '^./emptydir$' './emptydir' \
    "an empty directory"
row '.'         "$(paths src | tr '\n' ' ' | sed 's/ $//')" \
    "'.' drops everything (but the top)"

# -V tells what was left out, on stderr
printf '^./tmp/\n' >listv
run "$ALTKIT" copytree -V -e listv src dstv
is "$(printf '%s\n' "$err" | grep '^copytree: excluded' | LC_ALL=C sort | tr '\n' ' ')" \
   "copytree: excluded './tmp/a' copytree: excluded './tmp/sub' " \
   "-V names what the list left out (a directory once, not what is below it)"

done_testing
