"""Lambda SnapStart: undo, after a restore, what must not be shared between restored environments.

With SnapStart, Lambda runs the init phase once per published version, snapshots the process and restores
the snapshot for each cold start. Anything made at init that is unique (a random salt), time-bound
(credentials) or tied to a connection (an SDK client's pool) would be shared or stale, so the modules that
make such things register a hook here. Outside Lambda's runtime, where ``snapshot_restore_py`` doesn't
exist, registering does nothing.
"""

from __future__ import annotations

from typing import Callable


def after_restore(hook: Callable[[], None]) -> None:
    """Run ``hook`` after each SnapStart restore (a no-op where the runtime's hook library is absent)."""
    try:
        from snapshot_restore_py import register_after_restore  # only in Lambda's Python runtime
    except ImportError:
        return
    register_after_restore(hook)
