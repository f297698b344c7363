"""What Togetherly may offer unprompted: the check-in at the couple's time, coming back to a parked topic.

An offer is asked once, softly, as a yes or no; silence means no. It is marked as made before it is said,
so a restart never asks again, and a time missed while Togetherly was off or busy is not replayed later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.dialogue.conversation import Conversation

GRACE = timedelta(minutes=15)
"""An offer still made this long after its time (the couple was mid-sentence, or another ritual ended);
later, it is dropped."""


@dataclass(frozen=True)
class Offer:
    due: datetime
    key: str
    """The question, a yes or no ("It's 9 o'clock. Would you like your check-in?")."""
    flow: str
    """The flow that "yes" runs."""
    mark: Callable[[Conversation], None]
    """Keeps that it was made (config.yaml or the notes), before it is said."""
    values: dict[str, object] = field(default_factory=dict)
    latest: datetime | None = None
    """Never made after this; None: `due` + GRACE."""

    def missed(self, now: datetime) -> bool:
        return now > (self.latest if self.latest is not None else self.due + GRACE)
