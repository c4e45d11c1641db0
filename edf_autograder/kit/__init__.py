"""The students' self-check kit: what `release` writes so that students (and CI in their
repositories) can run the quick check without the grader's repository. `contents` lists
what of the engine it carries, `build` writes it, `manifest` is what it knows of the
exercise, `readable` stands in for the items students see only partly, `cli` is its command.
"""
