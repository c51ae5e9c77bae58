"""Dockerfile building: the parser, variable substitution, ``.dockerignore`` and the builder.

Modules: :mod:`~simulator.build.parser` (``parse_dockerfile``), :mod:`~simulator.build.instructions`
(typed, frozen instructions and ``expand_instruction``), :mod:`~simulator.build.lexer` (BuildKit's
word processing and ``$VAR`` substitution) and :mod:`~simulator.build.dockerignore`.
"""
