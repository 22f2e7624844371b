"""Facts computed from series, and the en-GB sentences that state them."""
