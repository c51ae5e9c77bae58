"""Base images and package data: the library of images ``FROM`` and ``pull`` find (``library``)
and the data it is made from (``data/``)."""
