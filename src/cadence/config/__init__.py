"""Settings read from the environment once, validated at start."""
