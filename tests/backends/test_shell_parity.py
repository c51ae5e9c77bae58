"""The RUN shell against real busybox ``sh``: the same script, the same image, the same results.

Each script runs three times on one image (the library's busybox image with the real static busybox
as ``/bin/busybox``, plus a layer of files to work on):

- on the model, through the simulator's shell (:func:`simulator.sh.run.run_script`);
- on a real overlay mount, as ``/bin/sh -c script`` (:meth:`RealContainer.run_program`), which is
  what ``RUN script`` does in Docker;
- on another real overlay mount, through the simulator's shell (its file operations, and the
  ``open`` of its redirections, are real system calls on the merged directory there).

Compared: the exit status, stdout, stderr (busybox's messages are deterministic), the writable
layer entry by entry (kind, mode, owner, content, symlink target, whiteouts, opaque directories)
and ``docker diff``.  A script that differs on purpose is left out of the table with a comment
saying why; a script that fails here means the simulator is wrong -- fix the shell, never the
comparison.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.backends import OverlayBackend
from simulator.backends.compare import _upper_item
from simulator.distro import library
from simulator.model import Container, Entry, Image, Layer
from simulator.sh.run import run_script

pytestmark = pytest.mark.real

BUSYBOX = "/usr/bin/busybox"
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}

# Files for the scripts to work on, in a layer of their own (so that changing them copies up).
WORK_LAYER = {
    "/app": Entry.directory(),
    "/app/a.txt": Entry.file(b"hello\nworld\nHello again\n"),
    "/app/b.txt": Entry.file(b"banana\napple\ncherry\napple\n"),
    "/app/.hidden": Entry.file(b"secret\n", 0o600),
    "/app/run.sh": Entry.file(b'#!/bin/sh\necho run "$@"\n', 0o755),
    "/app/sub": Entry.directory(0o750),
    "/app/sub/c.log": Entry.file(b"one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n"),
    "/app/sub/d.log": Entry.file(b"ERROR x\ninfo y\nerror z\n"),
    "/app/link": Entry.symlink("a.txt"),
    "/data": Entry.directory(),
    "/data/keep": Entry.file(b"kept\n", 0o640, 65534, 65534),
    "/data/empty": Entry.directory(),
    "/etc/app.conf": Entry.file(b"key=value\nKEY2=v2\n# comment\n"),
    # Docker mounts /dev (a tmpfs with the device nodes) over every container; a layer never
    # holds it.  The real run bind-mounts the host's /dev/null over this empty placeholder.
    "/dev": Entry.directory(),
    "/dev/null": Entry.file(b"", 0o666),
}


def busybox_image() -> Image:
    """The library's busybox image with the real busybox binary instead of placeholder bytes."""
    base = library.get("busybox")
    (layer,) = base.layers
    entries = dict(layer.entries)
    with open(BUSYBOX, "rb") as f:
        entries["/bin/busybox"] = Entry.file(f.read(), 0o755)
    real = Layer.of(entries, created_by=layer.created_by)
    return Image.of([real, Layer.of(WORK_LAYER, created_by="work files")], base.config)


# fmt: off
SCRIPTS: dict[str, str] = {
    # -- quoting and expansion ------------------------------------------------------------------
    "quotes": """X=world; echo "hello $X" 'hello $X' hello\\ \\$X "a\\"b" 'it'\\''s'""",
    "param-defaults": 'unset U; echo "${U:-dflt}" "${U-dash}" "${E:=set}"; echo $E; X=; echo "[${X:-empty}]" "[${X-unset}]" "[${X:+alt}]" "[${E:+alt}]"',
    "param-trim": "P=/usr/local/bin/tool.tar.gz; echo ${#P} ${P##*/} ${P%%.*} ${P%.gz} ${P#/usr}",
    "command-substitution": 'D=$(dirname /a/b/c); echo "dir=$D" "$(echo one; echo two)" `echo back`; echo "$(printf "x\\n\\n\\n")|"',
    "arithmetic": "i=5; i=$((i+1)); echo $((1+2)) $((7/2)) $((-7%3)) $((2*3+4)) $((1<<4)) $((0x10)) $((010)) $i $((i>3?1:0))",
    "field-splitting": 'X="a  b   c"; for w in $X; do echo "<$w>"; done; echo "$X"; set -- $X; echo $#',
    "positional": 'set -- one "two three" four; echo $# "$1" "$2"; for a in "$@"; do echo "[$a]"; done; echo "$*"; shift; echo "$@"',
    "status-vars": "false; echo $?; true; echo $?; (exit 7); echo $?",
    "ifs": 'IFS=:; P=/bin:/usr/bin::/sbin; for d in $P; do echo "[$d]"; done',
    "tilde": "echo ~ ~/x; cd /tmp; echo ~root",
    # -- globbing -------------------------------------------------------------------------------
    "glob": "cd /app; echo *.txt; echo *; echo .*; echo /app/sub/*.log",
    "glob-no-match": 'echo /app/*.nope; for f in /nowhere/*; do echo "got $f"; done; echo "[*]" \\*',
    "glob-classes": "cd /app; echo [ab].txt ?.txt [!a]*.txt; echo sub/[cd]*",
    # -- lists and pipelines --------------------------------------------------------------------
    "and-or": "true && echo yes || echo no; false && echo yes || echo no; false || false || echo last; echo a; echo b",
    "pipes": "printf 'b\\na\\nc\\na\\n' | sort | uniq -c; echo x | cat | wc -c; false | true; echo $?",
    "set-e": "set -e; echo start; false || echo handled; if false; then :; fi; ! true; echo still; false; echo never",
    "set-e-subshell": "set -e; (false; echo inside); echo after",
    # -- compound commands ----------------------------------------------------------------------
    "if": 'X=3; if [ "$X" -gt 5 ]; then echo big; elif [ "$X" -gt 2 ]; then echo mid; else echo small; fi',
    "for": "for i in 1 2 3; do for j in a b; do [ $j = b ] && continue; echo $i$j; done; [ $i = 2 ] && break; done",
    "while": 'n=0; while [ $n -lt 5 ]; do n=$((n+1)); done; echo $n; until [ $n -eq 0 ]; do n=$((n-2)); [ $n -lt 0 ] && break; done; echo $n',
    "while-read": "printf 'a 1\\nb 2\\nc\\n' | while read k v; do echo \"$k=[$v]\"; done; while read line; do echo \">$line\"; done < /etc/app.conf",
    "case": 'for x in app.tar.gz README x y9; do case $x in *.tar.gz) echo tar;; [A-Z]*) echo upper;; x|y) echo xy;; *[0-9]) echo digit;; *) echo other;; esac; done',
    "functions": 'greet() { echo "hi $1 ($#)"; return 3; }; greet bob x; echo $?; f() { local v=in; echo $v; }; v=out; f; echo $v',
    "brace-group": "{ echo a; echo b; } > /tmp/g; cat /tmp/g; (cd /app; pwd); pwd",
    # -- redirections ---------------------------------------------------------------------------
    "redirect-write-append": "echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f; echo three > /tmp/f; cat /tmp/f",
    "redirect-stderr": "ls /nope 2>/dev/null; echo $?; ls /nope > /tmp/out 2>&1; cat /tmp/out; cat /nope 2>&1 | wc -l",
    "redirect-stdin": "wc -l < /app/b.txt; cat < /etc/app.conf > /tmp/copy; cat /tmp/copy",
    "redirect-errors": "echo x > /nodir/f; echo $?; cat < /nope; echo $?; echo y > /app",
    "heredoc": 'N=name; cat <<EOF > /tmp/h\nhello $N\n  $(echo sub) \\$N\nEOF\ncat /tmp/h; cat <<\'RAW\'\n$N stays\nRAW\ncat <<-TABS\n\tindented\n\tTABS',
    "redirect-onto-lower": "echo more >> /app/a.txt; : > /app/b.txt; : >> /etc/app.conf",
    "redirect-open-flags": "cat < /app/a.txt > /app/a.txt; wc -c < /app/a.txt; true <> /app/sub/c.log; cat 0<> /tmp/rw; ls /tmp",
    "redirect-noclobber": "set -C; echo x > /app/b.txt; echo $?; echo y >| /app/b.txt; echo z > /dev/null; echo n > /tmp/n; echo x &> /tmp/n; echo $?; cat /app/b.txt",
    "redirect-both-streams": "ls /app/a.txt /nope &> /tmp/both; echo $?; cat /tmp/both; echo a >& /tmp/amp; cat /tmp/amp",
    "redirect-exec-fds": "exec 3> /tmp/log; echo one >&3; cat /tmp/log; echo two >&3; exec 3>&-; echo three >&3; echo $?; exec 4< /app/a.txt; read l <&4; echo $l; echo w >&4; echo $?",
    "redirect-exec-stdout": "exec > /tmp/all; echo hidden; ls /nope; exec 2> /tmp/err; ls /nope2; echo end",
    "redirect-special-builtin": ": > /nodir/x; echo never",
    "redirect-not-run": "touch /tmp/ran > /nodir/x; ls /tmp; mkdir /tmp/d < /nope; ls /tmp",
    # -- cd and relative paths ------------------------------------------------------------------
    "cd-relative": "cd /app/sub; touch new; cd ..; mkdir -p rel/x; cd rel/x; echo hi > f; pwd; cd ../..; pwd; cd -; cd /nope; echo $?",
    # -- echo and printf ------------------------------------------------------------------------
    "echo-flags": "echo -n no-newline; echo; echo -e 'a\\tb\\nc\\\\d\\x41\\0101'; echo 'a\\tb'; echo -n -e 'x\\ny'; echo; echo -- -n",
    "echo-c": "echo -e 'stop\\chere'; echo after",
    "printf-formats": "printf '%s|%d|%05d|%x|%X|%o|%5s|%-5s|%c\\n' str 42 42 255 255 8 ab ab xyz",
    "printf-reuse-and-missing": "printf '%s=%s\\n' a 1 b 2 c; printf '%d %s|\\n'; printf 'x%sy\\n'",
    "printf-b-and-escapes": "printf '%b\\n' 'a\\tb' 'c\\nd'; printf 'percent %% done\\n'; printf '\\101\\n'",
    "printf-bad-number": "printf '%d\\n' abc; echo $?; printf '%d\\n' 3x; echo $?",
    # -- test ---------------------------------------------------------------------------------
    "test-files": "for p in /app /app/a.txt /app/link /nope /app/run.sh /app/.hidden; do [ -e $p ] && echo e; [ -f $p ] && echo f; [ -d $p ] && echo d; [ -L $p ] && echo L; [ -x $p ] && echo x; [ -s $p ] && echo s; echo .; done",
    "test-strings-numbers": '[ -z "" ] && echo z; [ -n x ] && echo n; [ a = a ] && echo eq; [ a != b ] && echo ne; [ 3 -lt 10 ] && echo lt; [ 10 -ge 10 ] && echo ge; [ ! -e /nope ] && echo not; [ 1 -eq 1 -a 2 -eq 3 ] || echo and; [ 1 -eq 1 -o 2 -eq 3 ] && echo or; test abc \\< abd && echo less; [ "$E" ]; echo $?',
    "test-errors": "[ 1 -eq x ]; echo $?; [ a = ]; echo $?; [ 1 -lt 2; echo $?",
    # -- files: mkdir rm rmdir touch ------------------------------------------------------------
    "mkdir": "mkdir /tmp/a; mkdir -p /tmp/a/b/c /tmp/a; mkdir -m 700 /tmp/m; mkdir -p -m 750 /tmp/p/q; mkdir /tmp/a; echo $?; mkdir /nope/x; echo $?",
    "rm": "rm /app/a.txt; rm -f /nope; echo $?; rm /nope; echo $?; rm /app/sub; echo $?; rm -r /app/sub; rm -rf /data /nope2; rm /app/link",
    "rmdir": "rmdir /app; echo $?; rmdir /data/empty; rmdir /nope; echo $?; mkdir -p /tmp/x/y/z; rmdir -p /tmp/x/y/z; echo $?",
    "touch": "touch /tmp/new /app/a.txt; touch /nope/x; echo $?; touch -c /tmp/absent; ls /tmp",
    # -- cp -------------------------------------------------------------------------------------
    "cp-files": "cp /app/a.txt /tmp/; cp /app/b.txt /tmp/b2; cp /app/a.txt /app/b.txt /data; cp /nope /tmp; echo $?; cp /app /tmp; echo $?",
    "cp-r": "cp -r /app /tmp/app; cp -r /app/sub /data/; cp -r /app/sub/ /tmp/sub2; ls -a /tmp/app /data/sub",
    "cp-a-p": "cp -a /data /tmp/d; cp -p /data/keep /tmp/kp; cp /data/keep /tmp/kn; cp -a /app/link /tmp/l",
    "cp-onto-existing": "mkdir /tmp/t; cp -r /app/sub /tmp/t; cp -r /app/sub /tmp/t; ls -R /tmp/t; cp /app/a.txt /app/b.txt; cat /app/b.txt",
    # -- mv -------------------------------------------------------------------------------------
    "mv-files": "mv /app/a.txt /tmp/moved; mv /app/b.txt /data/; mv /nope /tmp; echo $?; echo n > /tmp/n; mv /tmp/n /tmp/moved; cat /tmp/moved",
    "mv-dir-from-image": "mv /app/sub /tmp/sub; ls /tmp/sub; mv /data /srv; ls -a /srv",
    "mv-dir-made-here": "mkdir -p /tmp/x/y; echo 1 > /tmp/x/y/f; mv /tmp/x /tmp/z; mkdir /tmp/dst; mv /tmp/z /tmp/dst; ls -R /tmp/dst",
    # -- ln -------------------------------------------------------------------------------------
    "ln": "ln -s /app/a.txt /tmp/s; ln -s nowhere /tmp/dangling; ln -s /x /tmp/s; echo $?; ln -sf /app/b.txt /tmp/s; ln /app/a.txt /tmp/hard; echo hi >> /tmp/hard; cat /app/a.txt; ln -s /app /tmp/dirlink; ls /tmp/dirlink/",
    "readlink": "readlink /app/link; readlink -f /app/link; readlink -f /app/sub/../link; readlink /app/a.txt; echo $?; cd /app; readlink -f link",
    # -- chmod chown ----------------------------------------------------------------------------
    "chmod": "chmod 600 /app/a.txt; chmod u+x,g-r,o= /app/b.txt; chmod -R go-rwx /app/sub; chmod +x /etc/app.conf; chmod 4755 /app/run.sh; chmod 644 /nope; echo $?",
    "chown": "chown nobody /app/a.txt; chown nobody:nogroup /app/b.txt; chown -R 1000:1000 /app/sub; chown :nogroup /etc/app.conf; chown 0.0 /data/keep; chown nouser /app/run.sh; echo $?",
    "chown-symlink": "chown -h nobody /app/link; chown nobody /app/link",
    # -- reading --------------------------------------------------------------------------------
    "cat": "cat /app/a.txt /nope /app/b.txt; echo $?; cat /app; echo $?",
    "head-tail": "head -n 3 /app/sub/c.log; head -2 /app/b.txt; tail -n 2 /app/sub/c.log; tail -n +10 /app/sub/c.log; head -c 5 /app/a.txt; echo; tail -1 /nope; echo $?",
    "wc": "wc /app/a.txt; wc -l /app/a.txt /app/b.txt; wc -w < /app/a.txt; printf 'no newline' | wc -c",
    "grep": "grep apple /app/b.txt; grep -c apple /app/b.txt; grep -v a /app/b.txt; grep -i error /app/sub/d.log; grep -q cherry /app/b.txt && echo found; grep nope /app/b.txt; echo $?; grep x /nope; echo $?",
    "grep-r-n": "grep -r error /app; grep -n an /app/b.txt; grep -l apple /app/a.txt /app/b.txt; grep -e one -e two /app/sub/c.log",
    # busybox walks directories in readdir order, which the model cannot know: several hits are sorted
    "grep-r": "grep -r a /app | sort; grep -rh e /app/sub | sort; grep -rc e /app/sub | sort; grep e /app; echo $?; grep -c e /app /app/a.txt; grep -r hello /app/a.txt; grep -rl o /app/sub/ | sort",
    "grep-r-links": "ln -s /nowhere /app/dang; ln -s /app/sub /app/sublink; grep -r xyz /app; echo $?; grep -rs one /app; grep -R one /app | sort; grep -rL one /app | sort; grep -r x /nope; echo $?",
    "grep-e": "grep -e apple -e '' /app/b.txt; grep -c -e an -e ch /app/b.txt; grep -v -e an -e ch /app/b.txt; grep -E -e 'ap+le' -e '^c' /app/b.txt; grep -F -e . -e x /app/a.txt; echo $?",
    "sort-uniq": "sort /app/b.txt; sort -r /app/b.txt; sort -u /app/b.txt; sort /app/b.txt | uniq; sort /app/b.txt | uniq -d; printf '10\\n9\\n100\\n' | sort -n",
    "cut-tr-sed": "cut -d= -f1 /etc/app.conf; echo hello | tr a-z A-Z; echo a-b-c | tr -d -; sed 's/key/KEY/' /etc/app.conf; sed -n 2p /app/b.txt",
    # -- find xargs -----------------------------------------------------------------------------
    "find": "find /app | sort; find /app -name '*.log'; find /app -type d; find /app -maxdepth 1 -type f | sort",
    # busybox walks directories in readdir order: several hits are sorted, or listed by ls
    "find-exec": "find /app -name '*.txt' -exec cat {} \\; | sort; find /app/sub -type f -exec ls {} +; find /nope; echo $?",
    "find-operators": "find /app -name '*.txt' -o -name '*.log' | sort; find /app ! -type d | sort; find /app -not -name '*.*' | sort; find /app \\( -name a.txt -o -type l \\) -print | sort; find /app -name '*.txt' -o -type l -print",
    "find-depth-prune": "find /app -mindepth 2 | sort; find /app -mindepth 1 -maxdepth 1 -type d; find /app -maxdepth 0; find /app/ -name app; find /app -name sub -prune -o -type f -print | sort; find /app/sub -depth",
    "find-tests": "find /app -type f -size 0; find /app -type f -size -1k | sort; find /app -type f -size +20c | sort; find /app -perm 600; find /app -type f -perm -u+x; find /data -user nobody; find /data -group 65534 -type f; find /data -empty; find /app -regex '.*b\\.txt'",
    "find-exec-status": "find /app -exec false \\; -print; find /app/sub -name c.log -exec sh -c 'exit 3' \\; ; echo $?; find /app/sub -type f -exec sh -c 'exit 3' {} + ; echo $?; find /app -name a.txt -exec nosuch {} \\; ; echo $?; find /app -name a.txt -exec nosuch {} + ; echo $?",
    "find-exec-args": "find /app/sub -name '*.log' -exec sh -c 'echo \"[$1]\"' sh {} \\; | sort; find /app/sub -type f -exec echo x{}y \\; | sort; cd /app; find . -name '*.log' | sort; find -name a.txt; find sub -name c.log -quit",
    "find-exec-changes": "find /app/sub -name '*.log' -exec rm {} \\; ; ls /app/sub; find /app -name '*.txt' -exec chmod 600 {} +",
    # Not `find /app -bogus`: busybox prints its usage text after the message, layerlab does not.
    "find-errors": "find /app -exec echo {}; echo $?; find /app -exec echo {} {} +; echo $?; find /app -type x; echo $?; find /app -maxdepth; echo $?; find /app -maxdepth x; echo $?; find /app \\( -name a; echo $?; find /app -user nouser; echo $?; find /app -perm 9; echo $?; find /app -size 1x; echo $?",
    "xargs": "printf 'a\\nb c\\n' | xargs echo; echo /app/a.txt /app/b.txt | xargs wc -l; printf '1 2 3 4 5' | xargs -n 2 echo; echo | xargs echo empty",
    "xargs-modes": "printf 'a\\nb c\\n' | xargs -I {} echo x{}y {}; printf 'a\\n\\n  b  \\n' | xargs -I X echo [X]; printf 'a\\nb\\n' | xargs -i echo {}{}; printf 'a\\0b c\\0\\0d' | xargs -0 -n1 echo; printf ' a \\n' | xargs -0 echo",
    "xargs-empty-and-quotes": "echo | xargs -r echo none; printf '' | xargs -I {} echo x{}; printf '' | xargs -0 echo zero; printf '' | xargs; printf \"'a b' \\\"c d\\\" e\\\\\\\\ f ''\" | xargs -n1 echo; printf 'a b STOP c' | xargs -E STOP echo",
    # Not `xargs -Z`: busybox prints its usage text after the message, layerlab does not.
    "xargs-errors": "printf \"a b it's\" | xargs -n1 echo; echo $?; printf 'a \"b' | xargs echo; echo $?; printf 'a b' | xargs -n 0 echo; echo $?; printf 'a b' | xargs -n x echo; echo $?; xargs -a /nope echo; echo $?",
    "xargs-status": "printf 'a b' | xargs nosuch; echo $?; printf 'a b' | xargs -n1 /app/a.txt; echo $?; printf 'a b' | xargs -n1 sh -c 'exit 3'; echo $?; printf 'a b' | xargs -n1 sh -c 'exit 255'; echo $?; printf 'a b' | xargs -n1 sh -c 'exit 127'; echo $?",
    "xargs-pipelines": "printf 'a b c' | xargs -t -n 2 echo; find /app/sub -type f | xargs grep -l one; find /app -name '*.txt' | xargs -n1 basename | sort; ls /app/sub | xargs -I{} cp /app/sub/{} /tmp/{}.bak; ls /tmp; xargs -a /etc/app.conf echo",
    "xargs-changes": "echo /app/a.txt | xargs rm; find /app/sub -name '*.log' | xargs rm -f; ls -R /app; printf 'x y' | xargs sh -c 'echo $0 $1'",
    # -- misc commands --------------------------------------------------------------------------
    "basename-dirname": "basename /a/b/c.txt; basename /a/b/c.txt .txt; basename /; dirname /a/b/c; dirname c; dirname /a/; basename a/b/",
    # Not plain `id`: its groups= part lists the process's supplementary groups, which Docker sets
    # from /etc/group and this harness inherits from the test process.
    "id-whoami": "id -u; id -g; id -un; id -gn; whoami",
    "env": "X=1 env | grep '^X='; export Y=2; env | grep -c '^Y=2'; env -i Z=3 env; env -u PATH sh -c 'echo ${PATH-unset}'",
    "ls": "ls /app; ls -a /app; ls -d /app; ls /app/sub /data; ls /nope; echo $?; ls -1 /app/sub",
    "ls-R": "ls -R /app; cd /app; ls -R; ls -Ra sub a.txt /data; ls -R /app/ /nope; echo $?; ls -Rd sub",
    "seq-expr": "seq 3; seq 2 4; expr 2 + 3; expr 7 / 2; expr abc : 'a.*'; expr 1 = 2; echo $?",
    "expr": "expr 3 \\* \\( 2 + 5 \\) % 4; expr -7 / 2; expr 10 \\< 9; echo $?; expr 10 \\< 9a; expr 1 = 01; expr '' \\| 0; echo $?; expr 0 \\& 3; expr hello : 'h\\(.\\)l'; expr hello : 'x.*'; expr length hello; expr substr hello 2 3; expr index hello l; expr match abc 'a.'; expr 1 / 0; echo $?; expr 1 + a; echo $?; expr 1 +; echo $?; expr; echo $?; i=0; while [ $i -lt 3 ]; do i=$(expr $i + 1); done; echo $i",
    "tee": "echo teed | tee /tmp/t1 /tmp/t2; echo more | tee -a /tmp/t1 > /dev/null; cat /tmp/t1",
    # -- exit codes -----------------------------------------------------------------------------
    "false": "false",
    "exit-3": "echo before; exit 3; echo after",
    "not-found": "nosuchcmd arg; echo $?; /bin/nosuch; echo $?",
    "not-found-last": "echo hi; nosuchcmd",
    "not-executable": "/etc/app.conf; echo $?; /app; echo $?",
    "sh-c": "sh -c 'echo inner $0 $1; exit 4' zero one; echo $?; sh -c 'echo $X' ; X=v sh -c 'echo $X'",
    # Debian's busybox-static is built with FEATURE_SH_STANDALONE: its sh runs applets without
    # looking at PATH (`command -v ls` says `ls`, `PATH=/nope; ls` works).  The image's busybox,
    # like Docker Hub's, finds them through the /bin symlinks, so these scripts use run.sh instead.
    "command-v": "PATH=/app:$PATH; command -v run.sh; command -v echo; command -v nosuch; echo $?; type cd >/dev/null; echo $?",
    "script-file": "/app/run.sh a b; cd /app; ./run.sh c; sh run.sh d",
    "exec-path": "PATH=/nope; run.sh; echo $?; /bin/ls /data; PATH=/app; run.sh x",
    # -- a realistic RUN line -------------------------------------------------------------------
    "dockerfile-run": "set -eux; mkdir -p /opt/app/bin; for f in a b; do printf '#!/bin/sh\\necho %s\\n' $f > /opt/app/bin/$f; done; chmod 755 /opt/app/bin/*; ln -s /opt/app/bin/a /usr/local-a 2>/dev/null || true; rm -rf /app/sub; ls /opt/app/bin",
    "cleanup-layer": "rm -rf /app/* /app/.hidden; ls -a /app; mkdir /app/new; rm -rf /data; mkdir /data",
}
# fmt: on


# Scripts on which the simulator still disagrees with busybox: strict xfails, so that a fix shows
# up as an XPASS failure and the entry has to be removed.
KNOWN: dict[str, str] = {}

NOT_IMPLEMENTED = "layerlab's shell does not implement this command"


def cases() -> list[Any]:
    return [
        pytest.param(script, id=name, marks=[pytest.mark.xfail(reason=KNOWN[name], strict=True)])
        if name in KNOWN
        else pytest.param(script, id=name)
        for name, script in SCRIPTS.items()
    ]


@pytest.fixture(scope="module")
def image() -> Image:
    if shutil.which("unshare") is None or not os.path.exists(BUSYBOX):
        pytest.skip(f"needs unshare and a static busybox at {BUSYBOX}")
    return busybox_image()


@contextlib.contextmanager
def dev_null(target: str) -> Iterator[None]:
    """The host's /dev/null bind-mounted on ``target`` (a file of the image, in the merged view)."""
    subprocess.run(["mount", "--bind", "/dev/null", target], check=True)
    try:
        yield
    finally:
        subprocess.run(["umount", target], check=True)


def upper_items(container: Any) -> dict[str, tuple[Any, ...]]:
    return {path: _upper_item(entry) for path, entry in container.upper.entries.items()}


@pytest.fixture
def both(backend: OverlayBackend, image: Image) -> Iterator[Any]:
    def run(script: str) -> dict[str, Any]:
        model = Container(image)
        sim = run_script(model, script, env=ENV)
        with backend.new_container(image) as real, dev_null(real.merged_dir + "/dev/null"):
            real.start()
            done = real.run_program(["/bin/sh", "-c", script], env=ENV)
            kernel = {
                "status": done.returncode,
                "stdout": done.stdout.decode("utf-8", "replace"),
                "stderr": done.stderr.decode("utf-8", "replace"),
                "upper": upper_items(real),
                "diff": [str(c) for c in real.diff()],
            }
        simulated = {
            "status": sim.exit_code,
            "stdout": sim.stdout,
            "stderr": sim.stderr,
            "upper": upper_items(model),
            "diff": [str(c) for c in model.diff()],
        }
        # layerlab's shell on a real mount: its redirections open real descriptors there
        with backend.new_container(image) as mounted:
            mounted.start()
            on_kernel = run_script(mounted, script, env=ENV)
            open_files = getattr(mounted.fs, "_open_files", ())  # OverlayFS keeps its descriptors
            leaked = [f for f in open_files if not f.closed]  # every redirection was closed
            assert not leaked, f"descriptors left open by {script!r}: {leaked}"
            shell_on_kernel = {
                "status": on_kernel.exit_code,
                "stdout": on_kernel.stdout,
                "stderr": on_kernel.stderr,
                "upper": upper_items(mounted),
                "diff": [str(c) for c in mounted.diff()],
            }
        return {"model": simulated, "busybox": kernel, "shell-on-kernel": shell_on_kernel}

    yield run


@pytest.mark.parametrize("script", cases())
def test_the_shell_does_what_busybox_sh_does(both: Any, script: str) -> None:
    result = both(script)
    model, real = result["model"], result["busybox"]
    if NOT_IMPLEMENTED in model["stderr"]:  # an applet of the image that layerlab lacks (yet)
        pytest.xfail(model["stderr"].split(";")[0])
    for key in ("status", "stdout", "stderr", "diff"):
        assert model[key] == real[key], f"{key} differs for {script!r}"
    assert model["upper"] == real["upper"], f"upper differs for {script!r}"
    # layerlab's shell on a real overlay mount (its redirections are real descriptors there)
    mounted = result["shell-on-kernel"]
    for key in ("status", "stdout", "stderr", "diff", "upper"):
        assert mounted[key] == real[key], f"{key} differs for {script!r} (layerlab's shell on the real mount)"
