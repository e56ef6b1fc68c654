# In the guest: files read from an xorriso-made ISO (Joliet + Rock Ridge) on
# the emulated ATAPI drive, through libiso9660 (altkit isoread).
. "$PAYLOAD/guest-tap.sh"
i=0; while [ ! -b /dev/sr0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t "the ATAPI drive is /dev/sr0" test -b /dev/sr0
list=$(altkit isoread /dev/sr0 list 2>&1)
like "$list" "/docs/A long name with spaces.txt" "the Joliet tree lists a long name with spaces"
like "$list" "/deep/a/b/c/d/e/f/g/h/leaf.bin" "a file nine levels deep is listed"
rr=$(altkit isoread --fs rockridge /dev/sr0 list 2>&1)
like "$rr" "^- 0750 .* /docs/exec.sh" "Rock Ridge keeps mode 0750"
while read -r sum path; do
	got=$(altkit isoread /dev/sr0 cat "$path" | sha256sum | cut -d' ' -f1)
	is "$got" "$sum" "'$path' read through libiso9660 matches its checksum"
done < "$PAYLOAD/sums"
out=$(altkit isoread /dev/sr0 cat /no/such/file 2>&1); st=$?
is "$st" 1 "a missing file: exit 1"
is "$out" "isoread: '/dev/sr0': '/no/such/file': No such file or directory" "a missing file: message"
out=$(altkit isoread /dev/vda list 2>&1); st=$?
is "$out" "isoread: '/dev/vda': no ISO 9660 volume found" "a disk without ISO 9660: message"
done_testing
