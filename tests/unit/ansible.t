#!/bin/bash
# The Ansible collection (ansible/ansible_collections/altkit/system) against
# stand-ins of altkit's commands (tests/unit/ansible-standins: their command
# lines and --json reports, the state in files), with Debian's ansible-core
# on this host (connection local): what each module does with what altkit
# reports: idempotence, partial clones completed, check mode, altkit's own
# message on failure, facts, absent. The same playbooks against the real
# altkit on the Debian test system over SSH: tests/vm (issue #14).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/tests/lib/ansible.sh"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
ansible_env "$W"
export STANDIN_STATE=$W/state PATH=$TOP/tests/unit/ansible-standins:$PATH

# fresh: rootvg booted from vda, no clone, a boot list with the original first
fresh() {
	rm -rf "$W/state" && mkdir "$W/state" && : >"$W/state/calls"
	echo '[{"name": "rootvg", "uuid": "SRC-UUID", "role": "booted", "disks": "vda2", "source": "", "phases": "", "boot": "Boot0004"}]' \
		>"$W/state/vgs.json"
	echo '{"normal": [{"disk": "vda", "entry": "Boot0004", "vg": "rootvg", "description": "debian"}], "service": []}' \
		>"$W/state/bootlist.json"
}
# play NAME [ansible-playbook options] <<YAML: the tasks; sets $res (the
# first task's result as JSON), $calls (the writing commands run)
play() {
	local name=$1; shift
	{ echo "- hosts: localhost"; echo "  gather_facts: false"; echo "  tasks:"; sed 's/^/    /'; } >"$W/$name.yml"
	: >"$W/state/calls"
	run ansible-playbook -i localhost, -c local "$@" "$W/$name.yml"
	res=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps(d["plays"][0]["tasks"][-1]["hosts"]["localhost"]))' <<<"$out" 2>/dev/null)
	calls=$(cat "$W/state/calls")
}

fresh
play clone <<'YAML'
- altkit.system.alt_disk: { disks: [vdb] }
YAML
is "$(field 'r["changed"]')" True "alt_disk: a new clone is a change"
is "$calls" "alt_disk_copy -d vdb" "  alt_disk_copy -d vdb ran (all phases)"
is "$(field 'r["clone"]["phases"]')" "1,2,3" "  the clone as alt_rootvg_op -l --json reports it"

play clone-again <<'YAML'
- altkit.system.alt_disk: { disks: [/dev/vdb] }
YAML
is "$(field 'r["changed"]')" False "alt_disk again, the same disk (/dev/vdb): no change"
is "$calls" "" "  nothing run"

fresh
play check --check --diff <<'YAML'
- altkit.system.alt_disk: { disks: [vdb] }
YAML
is "$(field 'r["changed"]')" True "check mode: the clone would be made"
is "$(field '" ".join(r["cmd"][1:])')" "-d vdb" "  the command it would run"
like "$(field 'r["diff"]["after"]')" "altinst_rootvg on vdb, source rootvg, phases 1,2,3" "  --diff shows the clone to be"
is "$calls" "" "  nothing run"

play phase1 <<'YAML'
- altkit.system.alt_disk: { disks: [vdb], phases: "1" }
YAML
is "$calls" "alt_disk_copy -d vdb -P 1" "phases 1: phase 1 alone"
play complete <<'YAML'
- altkit.system.alt_disk: { disks: [vdb] }
YAML
is "$calls" "alt_disk_copy -d vdb -P 23" "a partial clone is completed with the phases it lacks"
is "$(field 'r["changed"]')" True "  a change"

play elsewhere <<'YAML'
- altkit.system.alt_disk: { disks: [vdc] }
YAML
is "$rc" 2 "a clone on other disks: the play fails"
is "$(field 'r["msg"]')" "altinst_rootvg already exists on vdb, not on vdc: remove it first (state: absent)" "  saying where it is"
is "$calls" "" "  nothing run"

fresh
before=$(cat "$W/state/vgs.json")
play baddisk <<'YAML'
- altkit.system.alt_disk: { disks: [nosuchdisk0] }
YAML
is "$rc" 2 "a bad disk name: the play fails"
is "$(field 'r["msg"]')" "alt_disk_copy: 'nosuchdisk0': no such disk; nothing was written" "  with altkit's own message"
is "$(cat "$W/state/vgs.json")" "$before" "  nothing changed"

play options <<'YAML'
- altkit.system.alt_disk:
    disks: [vdb, vdc]
    location: /srv/updates
    bundle: update_all
    install: [openssl, libssl3]
    exclude_file: /etc/altkit/exclude
    reset_identity: true
    no_bootlist: true
YAML
is "$calls" "alt_disk_copy -d vdb vdc -e /etc/altkit/exclude -l /srv/updates -b update_all -w openssl libssl3 -O -B" \
	"the update options become alt_disk_copy's, each once"

play facts <<'YAML'
- altkit.system.alt_rootvg_facts:
YAML
is "$(field '",".join(v["name"] + ":" + v["role"] for v in r["ansible_facts"]["alt_rootvg"])')" \
	"rootvg:booted,altinst_rootvg:alternate" "alt_rootvg_facts: the root VGs as facts"
is "$(field 'r["changed"]')" False "  never a change"

play boot <<'YAML'
- altkit.system.bootlist: { mode: normal, disks: [vdb] }
YAML
is "$calls" "bootlist -m normal vdb" "bootlist: the clone first"
is "$(field '" ".join(e["disk"] for e in r["bootlist"]["normal"])')" "vdb vda" "  the list after, from bootlist -o --json"
play boot-again <<'YAML'
- altkit.system.bootlist: { mode: normal, disks: [vdb] }
YAML
is "$(field 'r["changed"]')/$calls" "False/" "bootlist again: no change, nothing run"
play boot-read <<'YAML'
- altkit.system.bootlist:
YAML
is "$(field 'r["changed"]')/$calls" "False/" "bootlist without disks: only reads"
play boot-two <<'YAML'
- altkit.system.bootlist: { mode: service, disks: [vdb, vda] }
YAML
is "$(field 'r["msg"]')" "mode=service: the firmware boots one disk once (BootNext); name one" "service with two disks: refused"

play absent <<'YAML'
- altkit.system.alt_disk: { state: absent }
YAML
is "$calls" "alt_rootvg_op -X altinst_rootvg" "state: absent removes the clone"
play absent-again <<'YAML'
- altkit.system.alt_disk: { state: absent }
YAML
is "$(field 'r["changed"]')/$calls" "False/" "state: absent again: no change"

for m in alt_disk bootlist alt_rootvg_facts; do
	run ansible-doc "altkit.system.$m"
	like "$rc:$out" "^0:> ALTKIT.SYSTEM.$(tr a-z A-Z <<<"$m")" "ansible-doc renders altkit.system.$m"
done
done_testing
