"""Module 04, "Keeping dialogue open": New START, intelligence sharing, cooperation under mistrust.

- :mod:`postparis.dialogue.model`: the New START limits and data exchanges, the
  competing estimates of fighters from Russia and the CIS with the Islamic State, and
  the repeated prisoner's dilemma with noise (pure Python, seeded);
- :mod:`postparis.dialogue.plots`: their charts and text alternatives;
- :mod:`postparis.dialogue.widgets`: the New START explorer and the repeated-game
  simulator.
"""
