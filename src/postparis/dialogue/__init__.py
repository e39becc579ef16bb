"""Module 04, "Keeping dialogue open": New START, intelligence sharing, cooperation under mistrust.

- :mod:`postparis.dialogue.newstart`: the New START limits and data exchanges (pure
  helpers and one plot).
- :mod:`postparis.dialogue.fighters`: the competing estimates of fighters from Russia
  and the CIS with the Islamic State.
- :mod:`postparis.dialogue.game`: the repeated prisoner's dilemma with noise (a pure
  Python model, seeded).
- :mod:`postparis.dialogue.widgets`: the New START explorer and the repeated-game
  simulator (thin views over the models).
"""
