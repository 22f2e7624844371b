"""Load and validate performance data against data contracts (the first pipeline stages)."""
