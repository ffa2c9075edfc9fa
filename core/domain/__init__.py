"""Domain model: pydantic models whose methods refuse what the rules forbid."""
