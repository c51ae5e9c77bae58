"""The RUN shell: a POSIX shell as busybox ``sh`` runs it (its patterns: :mod:`simulator.patterns`).

- :mod:`~simulator.sh.parse`: source text to a syntax tree;
- :mod:`~simulator.sh.process`: a shell process's streams and unwinding signals;
- :mod:`~simulator.sh.expand`: parameter, arithmetic, command and pathname expansion;
- :mod:`~simulator.sh.interp`: the :class:`~simulator.sh.interp.Shell` that runs the tree;
- :mod:`~simulator.sh.builtins`: ``cd``, ``export``, ``set`` ... and the ``sh`` command itself;
- :mod:`~simulator.sh.run`: the entry points (``run_script``, ``run_argv``, ``exec_in``,
  ``run_container_command``) used by RUN, ``exec_run`` and ``containers.run`` alike.

The programs the shell starts live in :mod:`simulator.userland` and see the shell only through
:class:`~simulator.userland.registry.ExecContext`.
"""
