"""The app manifest: both commands, the scopes and events the adapter needs."""

from __future__ import annotations

from integrations.slack.manifest import manifest


def test_http_manifest_points_everything_at_our_events_url() -> None:
    found = manifest("https://example.org/", socket_mode=False)
    commands = {c["command"]: c for c in found["features"]["slash_commands"]}
    assert set(commands) == {"/intervision", "/intervisie"}
    assert all(c["url"] == "https://example.org/slack/events" for c in commands.values())
    assert all(c["usage_hint"] for c in commands.values())
    scopes = set(found["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "im:write", "users:read", "channels:join"} <= scopes
    settings = found["settings"]
    assert settings["event_subscriptions"]["request_url"] == "https://example.org/slack/events"
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "message.channels",
        "message.groups",
        "app_home_opened",
        "member_joined_channel",
        "member_left_channel",
    }
    assert {"channels:read", "groups:read"} <= scopes  # conversations.members
    assert settings["interactivity"]["is_enabled"] and not settings["socket_mode_enabled"]
    home = found["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]


def test_socket_mode_manifest_needs_no_urls() -> None:
    found = manifest("https://example.org", socket_mode=True)
    assert found["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in found["settings"]["event_subscriptions"]
    assert all("url" not in c for c in found["features"]["slash_commands"])
