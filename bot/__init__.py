"""Chat layer (Telegram) and storage over the review engine; see issue 3."""
