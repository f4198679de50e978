"""Hypothesis profiles for the suite.

``ci`` (the default): derandomized, no deadline, a modest number of examples,
so the whole suite is fast and gives the same answer on every run.
``thorough``: 10,000 random examples per property, for a long local run::

    pytest --hypothesis-profile=thorough tests/test_properties.py

``HYPOTHESIS_PROFILE=thorough`` in the environment selects it as well.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60, database=None,
                          print_blob=True)
settings.register_profile("thorough", deadline=None, max_examples=10_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
