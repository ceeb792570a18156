"""Provides the outcome banner: one line under the top bar once the level's outcome is settled.

A required objective that failed for good is told at once, with its numbers, and what the
player can do: retry (`r`), end the level now (`e`) or play on. A level won for good offers
to end now. Hidden until then.
"""

from __future__ import annotations

from textual.widgets import Static

from vdc.session.standing import Standing


def banner_text(st: Standing) -> str:
    """The banner's words (plain text) for a settled standing."""
    if st.outcome == "lost":
        return f"✖ {st.reason} — this level is lost. Retry (r), end now (e) or play on."
    return ("✔ The outcome is settled: won. End now (e) — the rest runs without you, same "
            "score — or play on.")


class OutcomeBanner(Static):
    """The settled outcome and what to do about it."""

    DEFAULT_CSS = """
    OutcomeBanner {
        display: none;
        height: auto;
        padding: 0 1;
        text-style: bold;
    }
    OutcomeBanner.-lost { display: block; background: $error 40%; }
    OutcomeBanner.-won { display: block; background: $success 30%; }
    """

    def tell(self, st: Standing) -> None:
        self.set_class(st.outcome == "lost", "-lost")
        self.set_class(st.outcome == "won", "-won")
        self.update(banner_text(st))
