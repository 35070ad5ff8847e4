"""What the project learns from its labelled papers, and how it measures what it reads.

- ``evaluate``: scoring an extractor against hand-labelled gold with ``../shared/eval/score.py``,
  the first score of each blind batch, cross-validation by paper.
"""
