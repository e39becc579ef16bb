"""Instructor tooling: building student notebooks, grading a class, the grading sandbox.

Nothing here is imported by learners' notebooks.
"""
