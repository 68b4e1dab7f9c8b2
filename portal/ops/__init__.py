"""Operations: backup, restore, database dumps, and the CLI commands that belong to no area."""
