"""The Dockerfile front end: text to typed, frozen instructions (BuildKit's parser rules).

Pure: imports :mod:`simulator.errors` only. ``lexer`` (escapes, line continuations, heredocs),
``parser`` (stages and instructions), ``instructions`` (the dataclasses and variable expansion),
``flags`` (each instruction's ``--flags``) and ``dockerignore``.
"""
