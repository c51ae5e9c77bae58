"""The programs inside an image: coreutils, text tools, find, archives, accounts, packages, network.

Each family registers its commands in :mod:`simulator.userland.registry`.
"""
