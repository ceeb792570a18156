"""Provides the lessons of a run: what a better operator would have done, from the level's
`[[lessons]]` (docs/levels.md).

A level author writes, for each mistake the level is built to provoke, the condition that shows
it (an objective not met, an event that happened, a command given, never given or refused) and a sentence
with the better play and its command. The debrief and `vdc report` show the ones that apply, in
the level's order; a reference run shows none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase

from vdc.scenario import schema
from vdc.session.session import Session


def applies(
    lesson: schema.Lesson,
    met: Mapping[str, bool],
    events: Iterable[tuple[str, str]],
    commands: Sequence[str],
    refused: Sequence[str] = (),
) -> bool:
    """Whether every condition of `lesson` holds: `met` by objective id, `events` as
    (kind, subject), `commands` the accepted commands' canonical texts, `refused` the refused
    ones'."""
    if lesson.objective is not None and met.get(lesson.objective, True):
        return False
    if lesson.event is not None:
        subject = lesson.subject or "*"
        if not any(k == lesson.event and fnmatchcase(s, subject) for k, s in events):
            return False
    if lesson.command is not None and not any(fnmatchcase(c, lesson.command) for c in commands):
        return False
    if lesson.refused is not None and not any(fnmatchcase(c, lesson.refused) for c in refused):
        return False
    return lesson.without is None or not any(fnmatchcase(c, lesson.without) for c in commands)


def lessons(session: Session) -> list[str]:
    """The texts of the level's lessons that apply to this run, in the level's order."""
    sim = session.sim
    if not sim.level.lessons:
        return []
    met = {st.id: st.met for st in sim.objective_statuses()}
    events = [(r.kind, r.subject) for r in sim.log]
    commands = [r.text for r in session.accepted]
    refused = [r.text for r in session.rejected]
    return [x.text for x in sim.level.lessons if applies(x, met, events, commands, refused)]
