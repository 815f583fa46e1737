"""Community: posts, comments, votes, moderation and engagement."""
