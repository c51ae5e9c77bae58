"""The RUN shell: a POSIX shell as busybox ``sh`` runs it (``parse``, ``interp``, ``builtins``).

Used by ``RUN``, ``exec_run`` and ``containers.run`` alike; the programs it starts live in
:mod:`simulator.userland`.
"""
