"""The Slack app manifest (paste it at api.slack.com/apps -> Create from manifest)."""

from __future__ import annotations

from typing import Any

BOT_SCOPES = [
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "users:read",
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "channels:join",
]
BOT_EVENTS = [
    "message.channels",
    "message.groups",
    "app_home_opened",
    "member_joined_channel",  # a group's channel is looked at again (who may read cases)
    "member_left_channel",
]
USAGE = {
    "/intervision": "[help | start | case | goals | tasks | calendar | away | group | schedule"
    " | report]",
    "/intervisie": "[hulp | start | casus | doelen | taken | agenda | afwezig | groep | plan"
    " | verslag]",
}
COMMANDS = (
    (
        "/intervision",
        "Peer consultation: start, case, goals, tasks, calendar, group, schedule, report",
    ),
    ("/intervisie", "Intervisie: start, casus, doelen, taken, agenda, groep, plan, verslag"),
)


def manifest(url: str, socket_mode: bool = False) -> dict[str, Any]:
    """``url`` is the server's public base URL (ignored in Socket Mode, which needs none)."""
    events_url = url.rstrip("/") + "/slack/events"
    commands = []
    for command, description in COMMANDS:
        entry = {
            "command": command,
            "description": description,
            "usage_hint": USAGE[command],
            "should_escape": False,
        }
        if not socket_mode:
            entry["url"] = events_url
        commands.append(entry)
    events: dict[str, Any] = {"bot_events": BOT_EVENTS}
    interactivity: dict[str, Any] = {"is_enabled": True}
    oauth: dict[str, Any] = {"scopes": {"bot": BOT_SCOPES}}
    if not socket_mode:
        events["request_url"] = events_url
        interactivity["request_url"] = events_url
        oauth["redirect_urls"] = [url.rstrip("/") + "/slack/oauth_redirect"]
    return {
        "display_information": {
            "name": "Intervision",
            "description": "Structured peer consultation (intervisie) in your channels",
            "background_color": "#2c5f6f",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "Intervision", "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": oauth,
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }
