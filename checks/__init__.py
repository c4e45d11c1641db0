"""Exercise 2 (Image Classification): its declaration (`checks.exercise.EXERCISE`), what
its notebooks must produce (`notebooks`), its data (`data`), the pen-and-paper key (`key`),
one module of checks per section of the sheet (`s2_*`), and its feedback figures.

Each check declares its item id, title and points next to its code
(`autograder.checking.registry.check`); the 40 points are derived, never typed.
"""
