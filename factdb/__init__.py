"""factdb: track factual claims across news sources.

Turn reports into claims (who said what, affirming or denying, with what numbers), match each
claim against the claims already stored, and track every claim's status over time.
"""

from __future__ import annotations

__version__ = "0.1.0"
