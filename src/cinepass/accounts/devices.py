"""A session's device, named from the User-Agent its sign-in sent: "Chrome on Linux"."""

from __future__ import annotations

from functools import lru_cache

import ua_parser

UNKNOWN_DEVICE = "Unknown device"


@lru_cache(maxsize=1024)
def device_name(user_agent: str | None) -> str:
    if not user_agent:
        return UNKNOWN_DEVICE
    found = ua_parser.parse(user_agent)
    browser = found.user_agent.family if found.user_agent else None
    system = found.os.family if found.os else None
    if browser and browser != "Other" and system and system != "Other":
        return f"{browser} on {system}"
    if browser and browser != "Other":
        return browser
    # Not a browser (a script, a CLI): its own product token says most.
    return user_agent.split()[0][:60]
