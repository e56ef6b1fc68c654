# shellcheck shell=bash
# Host side of the Ansible tests: Debian's ansible-core with the collection in
# ansible/, each play's results as JSON (the json callback). Used by
# tests/unit/ansible.t (stand-ins, connection local) and
# tests/vm/debian_lifecycle.t (the Debian test system over SSH).
#   ansible_env DIR    the environment; Ansible's own files under DIR
#   task_result NAME   $res: the result of the task NAME in the JSON in $out
#   field EXPR         a Python expression over r, the result in $res
#   outcome            "changed/failed" of the result in $res (True/False)
ansible_env() {
	local t
	for t in ansible-playbook ansible-doc python3; do
		command -v "$t" >/dev/null || fail_all "$t is installed (scripts/install-deps: ansible-core)"
	done
	export ANSIBLE_COLLECTIONS_PATH=$TOP/ansible ANSIBLE_STDOUT_CALLBACK=json ANSIBLE_NOCOLOR=1 \
		ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
		ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_LOCAL_TEMP=$1/tmp ANSIBLE_HOME=$1/home
}

task_result() {
	res=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
for t in d["plays"][0]["tasks"]:
    if t["task"]["name"] == sys.argv[1]:
        print(json.dumps(list(t["hosts"].values())[0]))
' "$1" <<<"$out" 2>/dev/null)
}

field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, {"r": d}))' "$res" "$1"; }

outcome() { field 'str(r.get("changed", False)) + "/" + str(r.get("failed", False))'; }
