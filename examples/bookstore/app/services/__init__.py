"""Business logic: plain async functions over an `AsyncSession`, no HTTP in sight."""
